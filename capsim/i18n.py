"""The words of capsim in English and Chinese: one catalogue of every string a plot, the
report or the command line shows, looked up by key with :func:`t`.

Metric names, units, headings and axis labels are with the metrics (:mod:`capsim.metrics`).
"""

from __future__ import annotations

LANGS = ("en", "zh")

STRINGS: dict[str, dict[str, str]] = {
    # plots
    "census_title": {"en": "Daily census against beds: {name}", "zh": "每日在院产妇数与床位：{name}"},
    "date": {"en": "Date", "zh": "日期"},
    "women_in_beds": {"en": "Women in obstetric beds (persons)", "zh": "占用产科床位的产妇（人）"},
    "census_mean": {"en": "Mean census", "zh": "平均在院人数"},
    "band": {"en": "5th-95th percentile of replications", "zh": "各次重复的第5-95百分位"},
    "beds": {"en": "Beds", "zh": "床位数"},
    "occupancy_title": {"en": "Mean bed occupancy by facility: {name}",
                        "zh": "各机构平均床位使用率：{name}"},
    "facility": {"en": "Facility", "zh": "机构"},
    "occupancy_pct": {"en": "Mean bed occupancy (%)", "zh": "平均床位使用率（%）"},
    "occupancy_bar": {"en": "Mean occupancy with 95% CI", "zh": "平均使用率及95%置信区间"},
    "guidance_85": {"en": "85% planning guidance", "zh": "85% 规划参考线"},
    "region": {"en": "Region", "zh": "全区域"},
    # capsim check: standards and targets
    "check_title": {"en": "{name}: standards and targets, {years}",
                    "zh": "{name}：配置标准与目标核对，{years}年"},
    "check_simulated": {"en": "Simulated readings: {n} replications, seed {seed}; [95% CI]",
                        "zh": "模拟读数：{n}次重复，随机种子{seed}；[95%置信区间]"},
    "check_planned_only": {"en": "Planned readings only: nothing was simulated",
                           "zh": "仅规划读数：未运行模拟"},
    "check_scope": {"en": "Scope", "zh": "范围"},
    "check_value": {"en": "Value", "zh": "数值"},
    "check_margin": {"en": "Margin", "zh": "余量"},
    "check_verdict": {"en": "Verdict", "zh": "判定"},
    "check_note": {"en": "Note", "zh": "说明"},
    "check_source": {"en": "Source", "zh": "来源"},
    "check_reading_planned": {"en": "planned", "zh": "规划值"},
    "check_reading_simulated": {"en": "simulated", "zh": "模拟值"},
    "check_falling": {"en": "falling year on year", "zh": "逐年下降"},
    "check_rising": {"en": "rising year on year", "zh": "逐年上升"},
    "check_pass": {"en": "pass", "zh": "达标"},
    "check_fail": {"en": "FAIL", "zh": "未达标"},
    "check_uncertain": {"en": "uncertain", "zh": "不确定"},
    "check_not_applicable": {"en": "n/a", "zh": "不适用"},
    "check_counts": {"en": "{n_pass} pass, {n_fail} fail, {n_uncertain} uncertain, "
                           "{n_na} not applicable",
                     "zh": "达标{n_pass}项，未达标{n_fail}项，不确定{n_uncertain}项，不适用{n_na}项"},
    "check_ratios": {"en": "Ratios: planned -> simulated [95% CI]",
                     "zh": "配置比例：规划值 -> 模拟值 [95%置信区间]"},
    # referral-flow map
    "flow_title": {"en": "Women moved between facilities, {period}: {name}",
                   "zh": "机构间转诊与转运的产妇，{period}：{name}"},
    "flow_period": {"en": "mean of {n} replications, {start} to {end}",
                    "zh": "{n}次重复的平均值，{start}至{end}"},
    "longitude": {"en": "Longitude (degrees east)", "zh": "经度（东经，度）"},
    "latitude": {"en": "Latitude (degrees north)", "zh": "纬度（北纬，度）"},
    "level_axis": {"en": "Level of care (I = township, III = city tertiary)",
                   "zh": "医疗机构级别（一级=乡镇，三级=市级三级医院）"},
    "position_axis": {"en": "Facilities of the level (position, no unit)",
                      "zh": "同级机构（排列位置，无单位）"},
    "no_location": {"en": "no coordinates given: placed by level",
                    "zh": "未给出坐标：按级别排列"},
    # capsim app: the what-if page
    "app_title": {"en": "What if? {name}", "zh": "方案推演：{name}"},
    "lang_name": {"en": "English", "zh": "中文"},
    "app_facilities": {"en": "Facilities, from 1 January of", "zh": "各机构，自以下年份1月1日起"},
    "app_delivers": {"en": "Delivers", "zh": "提供助产"},
    "app_region": {"en": "Region-wide, from 1 January of", "zh": "全区域，自以下年份1月1日起"},
    "app_growth": {"en": "Births: change a year on top of the projection (%)",
                   "zh": "出生人口：在预测基础上每年变化（%）"},
    "app_caesarean": {"en": "Caesarean rates: relative change (%)",
                      "zh": "剖宫产率：相对变化（%）"},
    "app_referral": {"en": "Referral rule", "zh": "转诊规则"},
    "app_ref_scenario": {"en": "as in the scenario", "zh": "与方案相同"},
    "app_ref_yellow_up_level_2": {"en": "yellow risk and above at level II or above",
                                  "zh": "黄色及以上风险在二级及以上机构分娩"},
    "app_ref_all_level_2": {"en": "every woman at level II or above",
                            "zh": "所有产妇在二级及以上机构分娩"},
    "app_running": {"en": "Simulating the what-if", "zh": "正在模拟此方案"},
    "app_baseline_running": {"en": "Simulating the baseline", "zh": "正在模拟基线方案"},
    "app_method": {"en": "{n} replications, seed {seed}, common random numbers: the what-if "
                         "sees the same women as the baseline.",
                   "zh": "{n}次重复，随机种子{seed}，公共随机数：此方案与基线方案模拟同一批产妇。"},
    "app_tab_answer": {"en": "Answer", "zh": "结果"},
    "app_tab_differences": {"en": "Every reading", "zh": "全部指标"},
    "app_tab_occupancy": {"en": "Occupancy and flows", "zh": "床位使用率与转运"},
    "app_tab_sizing": {"en": "Sizing", "zh": "配置测算"},
    "app_changes": {"en": "Changes from the baseline", "zh": "相对基线方案的改动"},
    "app_no_changes": {"en": "No change yet: the what-if is the baseline.",
                       "zh": "尚无改动：此方案即基线方案。"},
    "app_verdicts": {"en": "Standards and targets by year (baseline → what-if where it changes)",
                     "zh": "各年标准与目标判定（有变化处：基线 → 此方案）"},
    "app_differences": {"en": "Differences from the baseline, with 95% intervals",
                        "zh": "与基线方案的差异及95%置信区间"},
    "app_travel_per_moved_min": {"en": "Travel per woman moved between facilities (minutes)",
                                 "zh": "机构间转运产妇的平均路程时间（分钟）"},
    "app_women_moved": {"en": "Women moved between facilities (women a year)",
                        "zh": "机构间转运的产妇（人/年）"},
    "app_sizing_running": {"en": "Sizing the what-if", "zh": "正在测算所需配置"},
    "app_sizing_note": {"en": "Least capacity that meets the service levels, per facility and "
                              "year, against what the what-if has.",
                        "zh": "满足服务水平的最低配置（按机构与年份），与此方案现有配置对照。"},
    "app_save": {"en": "Save this scenario", "zh": "保存此方案"},
    "app_save_name": {"en": "File name", "zh": "文件名"},
    "app_saved": {"en": "Saved {path}; capsim run {path} reproduces it.",
                  "zh": "已保存 {path}；运行 capsim run {path} 可重现。"},
    "app_report": {"en": "Download the report", "zh": "下载报告"},
    "app_baseline": {"en": "Baseline", "zh": "基线方案"},
    "app_what_if": {"en": "What-if", "zh": "此方案"},
    "app_difference": {"en": "Difference [95% CI]", "zh": "差异 [95%置信区间]"},
    "app_year": {"en": "Year", "zh": "年份"},
    "app_reading": {"en": "Reading", "zh": "指标"},
    "app_standard": {"en": "Standard", "zh": "标准"},
    "app_resource": {"en": "Resource", "zh": "资源"},
    "app_needed": {"en": "Needed", "zh": "所需"},
    "app_has": {"en": "What-if has", "zh": "此方案现有"},
    "app_invalid": {"en": "Not a valid scenario: {error}", "zh": "方案无效：{error}"},
    "planned_referral": {"en": "Planned referral (booked where there are no deliveries)",
                         "zh": "计划转诊（建册机构不助产）"},
    "risk_referral": {"en": "Risk referral (risk colour needs a higher level)",
                      "zh": "高危转诊（风险等级需上级机构）"},
    "no_bed": {"en": "No bed at the facility", "zh": "无空床转院"},
    "emergency_transfer": {"en": "Emergency transfer in labour", "zh": "产时急诊转运"},
    "out_of_region": {"en": "Out of region", "zh": "转出本区域（外转）"},
    "women_moved": {"en": "{n} women", "zh": "{n} 人"},
    "width_key": {"en": "Arrow width: women moved (persons)", "zh": "箭头宽度：转运人数（人）"},
    "no_flows": {"en": "No woman was moved", "zh": "没有产妇被转诊或转运"},
    "antenatal_only": {"en": "Antenatal care only", "zh": "仅提供孕产期保健（不助产）"},
    "township": {"en": "Township health centre (level I)", "zh": "乡镇卫生院（一级）"},
    "county": {"en": "County or district hospital (level II)", "zh": "县（区）级医院（二级）"},
    "mch": {"en": "MCH hospital (level II)", "zh": "妇幼保健院（二级）"},
    "city_tertiary": {"en": "City tertiary centre (level III)", "zh": "市级三级医院（三级）"},
    # ratios against a standard
    "ratio_title": {"en": "{what}, {year}: planned and simulated against the standard: {name}",
                    "zh": "{year}年{what}：规划值与模拟值对照标准：{name}"},
    "planned": {"en": "Planned (scenario's own figures)", "zh": "规划值（按方案数据计算）"},
    "simulated": {"en": "Simulated, mean with 95% CI", "zh": "模拟值（均值及95%置信区间）"},
    "standard": {"en": "Standard: {value:g}", "zh": "标准：{value:g}"},
    # scenarios year by year
    "years_title": {"en": "{what} by year and scenario ({facility})",
                    "zh": "各方案逐年{what}（{facility}）"},
    "year": {"en": "Year", "zh": "年份"},
    "scenario_ci": {"en": "{scenario} (mean, 95% CI)", "zh": "{scenario}（均值，95%置信区间）"},
    # sensitivity analysis (capsim.sweep)
    "sweep_tornado_title": {"en": "One parameter at a time: {name}",
                            "zh": "单因素敏感性分析：{name}"},
    "sweep_at_low": {"en": "Parameter at its lowest value", "zh": "参数取最低值"},
    "sweep_at_high": {"en": "Parameter at its highest value", "zh": "参数取最高值"},
    "sweep_baseline": {"en": "Baseline", "zh": "基线"},
    "sweep_output": {"en": "Output, mean of replications ({unit})",
                     "zh": "输出指标，各次重复的均值（{unit}）"},
    "sweep_morris_title": {"en": "Morris elementary effects: {name}",
                           "zh": "Morris 基本效应筛选：{name}"},
    "sweep_mu_star": {"en": "μ*: mean absolute effect over the range ({unit})",
                      "zh": "μ*：取值范围内的平均绝对效应（{unit}）"},
    "sweep_sigma": {"en": "σ: spread of the effects ({unit})", "zh": "σ：效应的标准差（{unit}）"},
    "sweep_sigma_mu": {"en": "σ = μ* (above: non-linear or interacting)",
                       "zh": "σ = μ*（线以上：非线性或存在交互作用）"},
    "sweep_sobol_title": {"en": "Sobol indices with 95% intervals: {name}",
                          "zh": "Sobol 敏感性指数及95%置信区间：{name}"},
    "sweep_s1": {"en": "First order S1 (alone)", "zh": "一阶指数 S1（单独作用）"},
    "sweep_st": {"en": "Total ST (with interactions)", "zh": "总效应指数 ST（含交互作用）"},
    "sweep_index": {"en": "Share of the output's variance (0-1)",
                    "zh": "占输出方差的比例（0-1）"},
    # capacity sizing (capsim.sizing)
    "sizing_title": {"en": "Beds needed for the service level against facility size\n{name}",
                     "zh": "达到服务水平所需床位与机构规模\n{name}"},
    "sizing_x": {"en": "Deliveries a year at the facility (log scale)",
                 "zh": "机构年分娩量（人，对数刻度）"},
    "sizing_y": {"en": "Beds needed per 1,000 deliveries a year (beds)",
                 "zh": "每千分娩量所需产科床位（张）"},
    "sizing_facilities": {"en": "Facilities: simulated requirement",
                          "zh": "各机构：模拟得出的需求"},
    "sizing_ratio": {"en": "Flat ratio standard: {value} beds per 1,000",
                     "zh": "统一配置标准：每千分娩量 {value} 张"},
    "sizing_theory": {"en": "Queueing theory, one isolated facility ({levels})",
                      "zh": "排队论，单个独立机构（{levels}）"},
    "sizing_no_bed": {"en": "no bed ≤ {value}%", "zh": "无床率 ≤ {value}%"},
    "sizing_occupancy": {"en": "occupancy ≤ {value}%", "zh": "使用率 ≤ {value}%"},
    # the report
    "title": {"en": "capsim report: {name}", "zh": "capsim 报告：{name}"},
    "generated": {"en": "Written {when} by capsim {version}; {reps} replications, seed {seed}.",
                  "zh": "由 capsim {version} 于 {when} 生成；重复 {reps} 次，随机种子 {seed}。"},
    "contents": {"en": "Contents", "zh": "目录"},
    "h_scenario": {"en": "1. Scenario", "zh": "1. 方案"},
    "h_summary": {"en": "2. Results", "zh": "2. 结果"},
    "h_targets": {"en": "3. Standards and targets", "zh": "3. 标准与目标"},
    "h_plots": {"en": "4. Charts", "zh": "4. 图表"},
    "h_methods": {"en": "5. Methods (STRESS-DES)", "zh": "5. 方法（STRESS-DES）"},
    "h_parameters": {"en": "6. Parameters and their sources", "zh": "6. 参数及其来源"},
    "file": {"en": "Scenario file", "zh": "方案文件"},
    "file_notes": {"en": "Notes at the top of the file", "zh": "文件开头的说明"},
    "facilities": {"en": "Facilities", "zh": "机构"},
    "accounting": {"en": "Women accounted for (mean per replication): {arrivals} arrived = "
                          "{delivered} delivered in the region + {out} transferred out of the "
                          "region + {progress} still in care at the end.",
                   "zh": "产妇去向核对（每次重复的平均值）：到达 {arrivals} 人 = 区域内分娩 "
                         "{delivered} 人 + 转出本区域 {out} 人 + 期末仍在院 {progress} 人。"},
    "region_results": {"en": "Region: mean over replications with its 95% confidence "
                              "interval, and the spread of single replications (5th-95th "
                              "percentile).",
                       "zh": "全区域：各次重复的均值及95%置信区间，以及单次重复的分布范围（第5-95百分位）。"},
    "facility_results": {"en": "By facility (mean [95% CI])", "zh": "各机构（均值 [95%置信区间]）"},
    "metric": {"en": "Metric", "zh": "指标"},
    "description": {"en": "Description", "zh": "说明"},
    "unit": {"en": "Unit", "zh": "单位"},
    "mean_ci": {"en": "Mean [95% CI]", "zh": "均值 [95%置信区间]"},
    "spread": {"en": "p5-p95 of replications", "zh": "各次重复第5-95百分位"},
    "level": {"en": "Level", "zh": "级别"},
    "n_beds": {"en": "Obstetric beds", "zh": "产科床位（张）"},
    "n_midwives": {"en": "Midwives (head-count)", "zh": "助产士（人）"},
    "n_obstetricians": {"en": "Obstetricians (head-count)", "zh": "产科医师（人）"},
    "n_theatres": {"en": "Theatres", "zh": "手术室（间）"},
    "target": {"en": "Standard or target", "zh": "标准或目标"},
    "scope": {"en": "Scope", "zh": "范围"},
    "reading": {"en": "Reading", "zh": "口径"},
    "value_ci": {"en": "Value [95% CI]", "zh": "数值 [95%置信区间]"},
    "threshold": {"en": "Threshold", "zh": "阈值"},
    "margin": {"en": "Margin", "zh": "差距"},
    "verdict": {"en": "Verdict", "zh": "结论"},
    "source": {"en": "Source", "zh": "来源"},
    "note": {"en": "Note", "zh": "备注"},
    "pass": {"en": "pass", "zh": "达标"},
    "fail": {"en": "fail", "zh": "未达标"},
    "uncertain": {"en": "uncertain", "zh": "不确定"},
    "not applicable": {"en": "not applicable", "zh": "不适用"},
    "no_targets": {"en": "No standard or target applies to this scenario.",
                   "zh": "本方案没有适用的标准或目标。"},
    "targets_intro": {"en": "A simulated reading passes when its whole 95% interval is on the "
                             "passing side of the threshold, fails when it is wholly on the "
                             "other side, and is uncertain when the interval straddles it. A "
                             "planned reading is computed from the scenario's own figures and "
                             "has no interval.",
                      "zh": "模拟值的95%置信区间完全位于阈值达标一侧为达标，完全位于另一侧为未达标，跨越阈值为不确定。"
                            "规划值按方案自身数据计算，没有置信区间。"},
    "verdict_counts": {"en": "{pass_} pass, {fail} fail, {uncertain} uncertain, {na} not "
                              "applicable.",
                       "zh": "达标 {pass_} 项，未达标 {fail} 项，不确定 {uncertain} 项，不适用 {na} 项。"},
    "fig_census": {"en": "Daily census and beds", "zh": "每日在院人数与床位"},
    "fig_occupancy": {"en": "Bed occupancy by facility", "zh": "各机构床位使用率"},
    "fig_ratio": {"en": "Beds per 1,000 deliveries against the standard",
                  "zh": "每千分娩量床位数与标准"},
    "fig_midwife_ratio": {"en": "Midwives per 1,000 deliveries against the standard",
                          "zh": "每千分娩量助产士数与标准"},
    "fig_flows": {"en": "Referral-flow map", "zh": "转诊流向图"},
    "item": {"en": "Item", "zh": "条目"},
    "section": {"en": "Section", "zh": "部分"},
    "name": {"en": "Name", "zh": "名称"},
    "detail": {"en": "In this study", "zh": "本研究"},
    "methods_intro": {"en": "Reported following the STRESS-DES checklist: {cite}",
                      "zh": "按照 STRESS-DES 报告清单撰写：{cite}"},
    "parameter": {"en": "Parameter", "zh": "参数"},
    "value": {"en": "Value", "zh": "取值"},
    "given": {"en": "Given", "zh": "设定方式"},
    "in_file": {"en": "in the file", "zh": "文件设定"},
    "default": {"en": "capsim default", "zh": "capsim 默认值"},
    "source_or_assumption": {"en": "Source or stated assumption", "zh": "来源或声明的假设"},
    "not_stated": {"en": "no source stated in the file", "zh": "文件中未注明来源"},
    "from_parent": {"en": "(comment on {at})", "zh": "（注释位于 {at}）"},
    "params_intro": {"en": "Every parameter of the scenario as simulated, defaults filled in. "
                            "Sources are the scenario file's comments; a default is documented "
                            "by capsim, with the published figure behind it where there is one.",
                     "zh": "模拟所用方案的全部参数（含默认值）。来源取自方案文件中的注释；默认值的说明来自 capsim，"
                           "并注明其依据的公开数据（如有）。"},
    "none": {"en": "none", "zh": "无"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    # STRESS-DES sections and items
    "sec1": {"en": "Objectives", "zh": "目标"},
    "sec2": {"en": "Logic", "zh": "逻辑"},
    "sec3": {"en": "Data", "zh": "数据"},
    "sec4": {"en": "Experimentation", "zh": "实验"},
    "sec5": {"en": "Implementation", "zh": "实现"},
    "sec6": {"en": "Code access", "zh": "代码获取"},
    "s_purpose": {"en": "Purpose of the model", "zh": "模型目的"},
    "s_outputs": {"en": "Model outputs", "zh": "模型输出"},
    "s_aims": {"en": "Experimentation aims", "zh": "实验目标"},
    "s_diagram": {"en": "Base model overview diagram", "zh": "基础模型概览图"},
    "s_logic": {"en": "Base model logic", "zh": "基础模型逻辑"},
    "s_scenario_logic": {"en": "Scenario logic", "zh": "方案逻辑"},
    "s_algorithms": {"en": "Algorithms", "zh": "算法"},
    "s_entities": {"en": "Components: entities", "zh": "组成：实体"},
    "s_activities": {"en": "Components: activities", "zh": "组成：活动"},
    "s_resources": {"en": "Components: resources", "zh": "组成：资源"},
    "s_queues": {"en": "Components: queues", "zh": "组成：排队"},
    "s_entry_exit": {"en": "Components: entry and exit points", "zh": "组成：进入与离开"},
    "s_sources": {"en": "Data sources", "zh": "数据来源"},
    "s_preprocessing": {"en": "Pre-processing", "zh": "数据预处理"},
    "s_inputs": {"en": "Input parameters", "zh": "输入参数"},
    "s_assumptions": {"en": "Assumptions", "zh": "假设"},
    "s_initialisation": {"en": "Initialisation", "zh": "初始化"},
    "s_run_length": {"en": "Run length", "zh": "运行时长"},
    "s_estimation": {"en": "Estimation approach", "zh": "估计方法"},
    "s_software": {"en": "Software or programming language", "zh": "软件或编程语言"},
    "s_sampling": {"en": "Random sampling", "zh": "随机抽样"},
    "s_execution": {"en": "Model execution", "zh": "模型执行"},
    "s_system": {"en": "System specification", "zh": "系统配置"},
    "s_sharing": {"en": "Computer model sharing statement", "zh": "模型共享声明"},
    "x_purpose": {
        "en": "Capacity planning of maternity services for {name}: whether the region's "
              "obstetric beds, midwives, obstetricians and theatres meet the expected "
              "deliveries and the standards, and at what service level. {description}",
        "zh": "{name}产科服务能力规划：评估区域内产科床位、助产士、产科医师和手术室能否满足预期分娩量及配置标准，"
              "以及对应的服务水平。{description}"},
    "x_outputs": {
        "en": "Per facility and for the region, per calendar year and for the whole horizon, "
              "with 95% confidence intervals over replications: {metrics}; the daily census "
              "per facility; and the referral flows (from, to, reason, women). Shares are "
              "fractions of women, labours or days; times are minutes.",
        "zh": "按机构和全区域、按年度及整个期间输出，附各次重复的95%置信区间：{metrics}；各机构每日在院人数；"
              "转诊流向（来源、去向、原因、人数）。比例为产妇、临产或天数的占比；时间单位为分钟。"},
    "x_aims": {
        "en": "Estimate the outputs of this one scenario with {reps} independent replications "
              "and judge them against standards and targets. {targets}",
        "zh": "以 {reps} 次独立重复估计本方案的各项输出，并与标准和目标对照。{targets}"},
    "x_targets_yes": {"en": "The verdicts are in section 3.", "zh": "结论见第3部分。"},
    "x_targets_no": {"en": "No target was checked.", "zh": "未检查目标。"},
    "x_diagram": {
        "en": "Pathway of one woman: booking → needs a bed (labour onset, planned caesarean or "
              "antenatal admission) → bed at her delivery facility, or diversion along the "
              "referral order, or transfer out of the region → labour with a midwife → "
              "vaginal birth, or caesarean in theatre, or emergency transfer → postnatal bed "
              "→ discharge. The referral-flow map (section 4) draws the facilities and the "
              "women moved between them.",
        "zh": "产妇路径：建册 → 需要床位（临产、计划剖宫产或产前住院）→ 在分娩机构获得床位，或按转诊顺序转往他院，"
              "或转出本区域 → 助产士陪产 → 阴道分娩、手术室剖宫产或急诊转运 → 产后床位 → 出院。"
              "第4部分的转诊流向图画出各机构及其间转运的产妇。"},
    "x_logic": {
        "en": "A woman delivers where she booked unless her risk colour or the facility's "
              "capabilities require a higher level (planned or risk referral). Without a free "
              "bed she is diverted to the first eligible facility of the referral order with a "
              "free bed, else out of the region. In active labour she needs a midwife (1:1 "
              "care: {one_to_one}; women per midwife: {per}); without one she waits in a "
              "first-come queue. A caesarean needs a theatre and an on-duty obstetrician. A "
              "complication at a facility without the capability triggers an emergency "
              "transfer. The bed is held from admission to discharge.",
        "zh": "产妇在建册机构分娩，除非其风险等级或机构能力要求更高级别机构（计划转诊或高危转诊）。无空床时，"
              "按转诊顺序转往第一个有空床且符合条件的机构，否则转出本区域。活跃期需要助产士（一对一：{one_to_one}；"
              "每名助产士照护产妇数：{per}），无助产士时按先到先服务排队。剖宫产需要手术室和在岗产科医师。"
              "机构不具备处置能力时发生并发症即急诊转运。床位自入院占用至出院。"},
    "x_scenario_logic": {
        "en": "Dated capacity changes: {policy}. Demand multipliers: {events}. Changes of "
              "caesarean rates or referral rules: {rules}. Each applies from its date on "
              "within the same run.",
        "zh": "按日期的资源变化：{policy}。需求乘数：{events}。剖宫产率或转诊规则变化：{rules}。"
              "各项变化在同一次运行中自其日期起生效。"},
    "x_algorithms": {
        "en": "Labour onsets follow a non-homogeneous Poisson process (expected deliveries per "
              "year × month, weekday and hour profiles), drawn by inverting the cumulative "
              "intensity. Durations are drawn by inverse transform of their distributions. "
              "Staff on duty = floor(head-count × availability {availability} / {shifts} "
              "shifts), at least 1. Time-weighted occupancy is computed exactly from the bed "
              "stays.",
        "zh": "临产时间服从非齐次泊松过程（年预期分娩量 × 月、星期、小时分布），通过累积强度反演抽样。"
              "各类时长按分布的逆变换抽样。在岗人数 = floor(编制人数 × 可出勤比例 {availability} / {shifts} 班)，至少1人。"
              "时间加权床位使用率由每段住院区间精确计算。"},
    "x_entities": {
        "en": "Women who need an obstetric bed; each carries a risk colour (five-colour "
              "grading), a booked facility, planned caesarean or not, labour and stay "
              "durations. On average {arrivals} women per replication in the reported period.",
        "zh": "需要产科床位的孕产妇；每人带有风险等级（五色管理）、建册机构、是否计划剖宫产、产程及住院时长。"
              "报告期内每次重复平均 {arrivals} 人。"},
    "x_activities": {
        "en": "Active labour with a midwife: {labour} hours. Postnatal stay, vaginal / "
              "caesarean: {los} days. Caesarean in theatre: {cs} minutes. Decision to "
              "delivery when a theatre is free: {prep} minutes. Travel between facilities: "
              "listed pairs, else {travel} minutes.",
        "zh": "助产士陪伴的活跃期：{labour} 小时。产后住院（阴道分娩/剖宫产）：{los} 天。手术室剖宫产：{cs} 分钟。"
              "手术室空闲时决定至分娩：{prep} 分钟。机构间转运：按列出的机构对，其余 {travel} 分钟。"},
    "x_resources": {
        "en": "{n} facilities ({deliver} conduct deliveries) with, in total, {beds} obstetric "
              "beds, {midwives} midwives, {obstetricians} obstetricians and {theatres} "
              "theatres at the start (head-counts; the roster gives staff on duty).",
        "zh": "{n} 家机构（{deliver} 家助产），期初共有产科床位 {beds} 张、助产士 {midwives} 人、"
              "产科医师 {obstetricians} 人、手术室 {theatres} 间（编制人数；按排班折算在岗人数）。"},
    "x_queues": {
        "en": "Beds have no queue: a woman without a bed is diverted. Midwives: first come, "
              "first served (timely within {wait} minutes). Theatres: emergencies before "
              "planned caesareans (decision-to-delivery target {ddi} minutes).",
        "zh": "床位不排队：无空床即转院。助产士：先到先服务（{wait} 分钟内为及时）。"
              "手术室：紧急剖宫产优先于计划剖宫产（决定至分娩目标 {ddi} 分钟）。"},
    "x_entry_exit": {
        "en": "A woman enters when she first needs a bed and leaves at discharge or on "
              "transfer out of the region. Women still in care when the horizon ends are "
              "counted as in care; arrivals = delivered + out of region + in care is checked "
              "in every replication.",
        "zh": "产妇首次需要床位时进入模型，出院或转出本区域时离开。期末仍在院者计为在院；"
              "每次重复均核对：到达 = 分娩 + 转出本区域 + 在院。"},
    "x_sources": {
        "en": "{header} {sourced} of the {in_file} parameters written in the file carry a "
              "source or assumption in its comments (section 6).",
        "zh": "{header} 文件中设定的 {in_file} 个参数中，有 {sourced} 个在注释中注明了来源或假设（见第6部分）。"},
    "x_preprocessing": {
        "en": "None inside capsim: the figures are entered in the scenario file as stated; "
              "capsim validates the file before anything is simulated.",
        "zh": "capsim 内部不做预处理：数据按原样写入方案文件；模拟前先校验文件。"},
    "x_inputs": {
        "en": "{n} parameters ({in_file} written in the file, {default} capsim defaults), "
              "each listed in section 6 with its value and source.",
        "zh": "共 {n} 个参数（文件设定 {in_file} 个，capsim 默认 {default} 个），均在第6部分列出取值及来源。"},
    "x_assumptions": {
        "en": "{assumed} parameters are marked ASSUMED in the file's comments; {default} take "
              "capsim's documented defaults. Staff are available by the roster's "
              "availability factor; women do not leave a queue for a midwife or theatre.",
        "zh": "文件注释中标注 ASSUMED（假设）的参数 {assumed} 个；采用 capsim 默认值的 {default} 个。"
              "人员按排班可出勤比例在岗；产妇不会离开助产士或手术室的等待队列。"},
    "x_initialisation": {
        "en": "A warm-up of {warmup} days before the start is simulated and discarded, so "
              "beds are not empty at the start; {census} women are placed in beds at the "
              "start of the warm-up.",
        "zh": "模拟开始前先运行 {warmup} 天预热期并舍弃，使期初床位不为空；预热开始时有 {census} 名产妇在院。"},
    "x_run_length": {
        "en": "Reported period {start} to {end} ({days} days); the model's clock runs in "
              "hours.",
        "zh": "报告期 {start} 至 {end}（{days} 天）；模型时钟单位为小时。"},
    "x_estimation": {
        "en": "{reps} independent replications (replication/deletion); each output is the "
              "mean over replications with a Student-t 95% confidence interval; about {halve} "
              "replications would halve the intervals.",
        "zh": "{reps} 次独立重复（重复/删除法）；各输出为各次重复的均值及 t 分布95%置信区间；约 {halve} 次重复可使区间宽度减半。"},
    "x_software": {
        "en": "capsim {version} (Python {python}; numpy {numpy}, pandas {pandas}, scipy "
              "{scipy}), with its own event-calendar engine.",
        "zh": "capsim {version}（Python {python}；numpy {numpy}、pandas {pandas}、scipy {scipy}），"
              "使用自带的事件日历引擎。"},
    "x_sampling": {
        "en": "numpy Generator (PCG64) streams derived with SeedSequence from (seed {seed}, "
              "replication, stream name), one named stream per source of randomness "
              "({streams}); common random numbers across scenarios that share the seed.",
        "zh": "numpy Generator（PCG64）随机流，由 SeedSequence 按（种子 {seed}、重复编号、随机流名称）生成，"
              "每个随机来源一条命名随机流（{streams}）；使用相同种子的方案间采用公共随机数。"},
    "x_execution": {
        "en": "Event scheduling (next-event time advance) on a binary-heap calendar ordered by "
              "time and sequence number; the sorted arrivals are merged with the calendar; "
              "statistics are reduced after each replication.",
        "zh": "事件调度（下一事件时间推进），事件日历为按时间与序号排序的二叉堆；已排序的到达与日历合并；"
              "每次重复结束后汇总统计量。"},
    "x_system": {
        "en": "This report was written on {platform} ({machine}, {cpus} CPUs), Python {python}.",
        "zh": "本报告生成环境：{platform}（{machine}，{cpus} 个CPU），Python {python}。"},
    "x_sharing": {
        "en": "capsim is open source (MIT licence). The scenario file is part of this report "
              "(section 6); `capsim report SCENARIO --replications {reps} --seed {seed}` "
              "reproduces these results exactly.",
        "zh": "capsim 为开源软件（MIT 许可）。方案文件内容见本报告第6部分；运行 "
              "`capsim report 方案文件 --replications {reps} --seed {seed}` 可精确重现本结果。"},
}


def t(key: str, lang: str = "en", **fmt) -> str:
    """Return the string ``key`` in ``lang`` ("en" or "zh"), formatted with ``fmt``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    return STRINGS[key][lang].format(**fmt)
