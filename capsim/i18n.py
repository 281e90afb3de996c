"""The words of capsim in English and Chinese: one catalogue of every string a plot, the
report or the command line shows, looked up by key with `t`.

Metric names, units, headings and axis labels are with the metrics (`capsim.metrics`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

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
    # newborn care and the paediatric line (capsim.report.care)
    "care_newborn": {"en": "Newborn care — mean [95% CI] over replications, whole period",
                     "zh": "新生儿救治——各次重复的均值[95%置信区间]，全期"},
    "care_paediatric": {"en": "Paediatric line — mean [95% CI] over replications, whole period",
                        "zh": "儿科服务——各次重复的均值[95%置信区间]，全期"},
    "care_cots_sized": {
        "en": "Newborn cots by level for the no-bed and occupancy levels (each unit alone; "
              "the region as one pool); offered load = cots busy on average:",
        "zh": "按无床与使用率服务水平测算的各级新生儿床位（各机构独立；全区域合并为一池）；"
              "负荷 = 平均占用床位数："},
    "care_trend": {"en": "Out-of-region share by year (region):",
                   "zh": "逐年外转比例（全区域）："},
    "care_accounted_newborn": {
        "en": "Newborns accounted for (mean per replication): {arrivals} born = {well} "
              "needing no cot + {discharged} discharged + {in_care} still in a cot + {out} "
              "out of region",
        "zh": "新生儿核算（每次重复均值）：出生{arrivals} = 无需住院{well} + 出院{discharged} + "
              "仍在院{in_care} + 外转{out}"},
    "care_accounted_paediatric": {
        "en": "Children accounted for (mean per replication): {arrivals} needing a bed = "
              "{discharged} discharged + {in_care} still in a bed + {out} out of region",
        "zh": "儿科患儿核算（每次重复均值）：需住院{arrivals} = 出院{discharged} + 仍在院{in_care} + "
              "外转{out}"},
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
    "check_defaults": {
        "en": "Rests on capsim's defaults, not on the scenario's own data: {params}. Set them "
              "from local data (see the parameter descriptions) before relying on this verdict.",
        "zh": "本判定依据的是 capsim 默认值，而非方案自身数据：{params}。请先按本地数据设定这些参数"
              "（见参数说明），再据此下结论。"},
    "check_defaults_count": {
        "en": "{n} verdict(s) rest on capsim's defaults rather than on the scenario's own data "
              "(marked *).",
        "zh": "有 {n} 项判定依据 capsim 默认值而非方案自身数据（以 * 标出）。"},
    "check_points": {"en": "{value} pp", "zh": "{value} 个百分点"},
    "check_ratios": {"en": "Ratios: planned -> simulated [95% CI]",
                     "zh": "配置比例：规划值 -> 模拟值 [95%置信区间]"},
    # the load offered before a run (capsim.scenario.offered)
    "unstable_load": {
        "en": "{facility}: offered load {load:.1f} reaches its {pool}, {capacity:g} (a queue "
              "for them would grow without end; women wait or are turned away)",
        "zh": "{facility}：{pool}的负荷{load:.1f}已达到其容量{capacity:g}（排队将无限增长；"
              "产妇将等待或被转出）"},
    "pool_beds": {"en": "beds", "zh": "床位"},
    "pool_ward_beds": {"en": "ward beds", "zh": "产科病房床位"},
    "pool_delivery_beds": {"en": "delivery beds", "zh": "产床"},
    "pool_midwives": {"en": "labour places (midwives on duty)", "zh": "在岗助产士可照护的临产人数"},
    "pool_theatres": {"en": "caesareans at once (theatres)", "zh": "可同时进行的剖宫产（手术室）"},
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
    "no_location": {"en": "a schematic, not a map: some facilities have no coordinates, so "
                          "all are placed by level",
                    "zh": "示意图而非地图：部分机构未给出坐标，故全部按级别排列"},
    # capsim app: the what-if page
    "app_title": {"en": "What if? {name}", "zh": "方案推演：{name}"},
    "lang_name": {"en": "English", "zh": "中文"},
    "app_facilities": {"en": "Facilities, from 1 January of", "zh": "各机构，自以下年份1月1日起"},
    "app_delivers": {"en": "Delivers", "zh": "提供助产"},
    "app_special_cots": {"en": "Special-care cots", "zh": "新生儿病房床位"},
    "app_intensive_cots": {"en": "Intensive-care cots", "zh": "新生儿重症监护床位"},
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
    "sweep_sobol_warning": {
        "en": "Too few samples: a total index above 1 or intervals wider than ±0.25.\n"
              "Read these indices as a rough ranking at most; raise samples (64 or more).",
        "zh": "样本量不足：总效应指数大于1或置信区间宽于±0.25。\n这些指数至多可作粗略排序；请增加样"
              "本量（64或以上）。"},
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
    "sizing_delivery_beds": {"en": "Delivery beds needed per 1,000 (facilities with two pools)",
                             "zh": "每千分娩量所需产床（产床与病房床位分开的机构）"},
    "sizing_ratio": {"en": "Flat ratio standard: {value} beds per 1,000",
                     "zh": "统一配置标准：每千分娩量 {value} 张"},
    "sizing_theory": {"en": "Queueing theory, one isolated facility ({levels})",
                      "zh": "排队论，单个独立机构（{levels}）"},
    "sizing_no_bed": {"en": "no bed ≤ {value}%", "zh": "无床率 ≤ {value}%"},
    "sizing_occupancy": {"en": "occupancy ≤ {value}%", "zh": "使用率 ≤ {value}%"},
    # capsim size (console)
    "size_levels": {"en": "{name}: service levels {levels}", "zh": "{name}：服务水平 {levels}"},
    "size_no_levels": {"en": "none", "zh": "无"},
    "size_level_no_bed": {"en": "no bed at the planned facility <= {value}",
                          "zh": "计划分娩机构无空床 <= {value}"},
    "size_level_occupancy": {"en": "mean occupancy <= {value}", "zh": "平均床位使用率 <= {value}"},
    "size_level_midwife": {"en": "midwife within {minutes:g} min >= {value}",
                           "zh": "{minutes:g} 分钟内有助产士 >= {value}"},
    "size_level_ddi": {"en": "emergency caesarean within {minutes:g} min >= {value}",
                       "zh": "{minutes:g} 分钟内完成紧急剖宫产 >= {value}"},
    "size_runs": {"en": "{runs} simulation(s) of the region, {n} replications each, seed {seed}, "
                        "after the ample-capacity run.",
                  "zh": "在充足容量的模拟之后，对全区域模拟 {runs} 轮，每轮重复 {n} 次，随机种子 "
                        "{seed}。"},
    "size_confirmed": {"en": "Every level confirmed.", "zh": "所有服务水平均已经模拟确认。"},
    "size_confirmed_in_reach": {
        "en": "NOT every level: the capacities meet the levels within reach, but some level is "
              "out of reach whatever the capacity (below).",
        "zh": "并非所有服务水平都能达到：所列容量满足可达到的服务水平，但有服务水平无论增加多少容量"
              "都无法达到（见下）。"},
    "size_not_confirmed": {"en": "NOT confirmed: no round met every level.",
                           "zh": "未确认：没有一轮模拟满足全部服务水平。"},
    "size_rounds_out": {"en": " (the rounds ran out before every capacity was shown to be least)",
                        "zh": "（轮次用尽，尚未证明每项容量均为最少）"},
    "size_out_of_reach": {
        "en": "Out of reach: {facility} ({years}): {level} — with a theatre always free only "
              "{attainable} of emergency caesareans are delivered within {minutes:g} min "
              "(preparation time and transfers), below the level of {target}. Only a shorter "
              "emergency preparation or transfer time reaches it, not more theatres.",
        "zh": "无法达到：{facility}（{years}年）：{level}——即使手术室随时空闲，也只有 {attainable} "
              "的紧急剖宫产能在 {minutes:g} 分钟内完成（受术前准备及转运时间限制），低于服务水平 "
              "{target}。"
              "只有缩短紧急术前准备或转运时间才能达到，增加手术室无济于事。"},
    "size_standards": {
        "en": "Ratio standards: {beds} beds and {midwives} midwives per 1,000 deliveries; "
              "midwives 'workload': WISN / Birthrate Plus establishment (all midwifery work); "
              "'needed': head-count for the labour service level through the roster.",
        "zh": "配置比例标准：每千分娩量 {beds} 张床位、{midwives} 名助产士；助产士“工作量”：按 "
              "WISN / "
              "Birthrate Plus 测算的编制（全部助产工作）；“所需”：按排班折算、满足产程服务水平的编"
              "制人数。"},
    "size_standard_off": {"en": "off", "zh": "未启用"},
    "size_twins": {"en": "Identical facilities sized together (one answer each group): {groups}.",
                   "zh": "配置完全相同的机构合并测算（每组同一结果）：{groups}。"},
    "size_columns": {"en": "year|facility|deliv/yr|beds now|ratio|needed|gap|/1000|mw "
                           "now|ratio|workload|needed|gap|th now|needed|met|least",
                     "zh": "年份|机构|年分娩量|现有床位|按比例|所需|缺口|每千|现有助产士|按比例|按"
                           "工作量|所需|缺口|现有手术室|所需|达到|最少"},
    "cots_columns": {"en": "facility|level|births/yr|offered load|cots now|needed|/1000 births",
                     "zh": "机构|级别|年出生数|负荷|现有床位|所需|每千出生"},
    "cots_special": {"en": "special care", "zh": "特别护理"},
    "cots_intensive": {"en": "intensive care", "zh": "重症监护"},
    "size_delivery_columns": {"en": "delivery beds now|needed|gap",
                              "zh": "现有产床|所需产床|产床缺口"},
    "init_exists": {"en": "{folder}: already holds {files}; capsim init never overwrites a "
                          "file (choose another folder or move them)",
                    "zh": "{folder}：已有 {files}；capsim init "
                          "不会覆盖已有文件（请换一个文件夹或先移走这些文件）"},
    "init_done": {"en": "Wrote {scenario} (a starter scenario: replace every PLACEHOLDER figure) "
                        "and {guide} (where each figure comes from). Next: capsim validate "
                        "{scenario}",
                  "zh": "已写入 {scenario}（起步方案：请替换所有 PLACEHOLDER 占位数字）和 {guide}"
                        "（各项数据的来源）。下一步：capsim validate {scenario}"},
    "compare_head": {"en": "Baseline {baseline}; {n} replications, seed {seed} for every scenario "
                           "(common random numbers).",
                     "zh": "基线方案：{baseline}；每个方案均重复 {n} 次，随机种子 "
                           "{seed}（公共随机数）。"},
    "compare_what": {"en": "Paired difference variant - baseline, region, mean [95% CI]; shares "
                           "in percentage points.",
                     "zh": "配对差值（比较方案 - 基线），全区域，均值 [95%置信区间]；比例以百分点表"
                           "示。"},
    "compare_all": {"en": "all", "zh": "全期"},
    "compare_common_years": {
        "en": "{name} covers {horizon} and the baseline {base}: only {years} is compared, not "
              "the whole period.",
        "zh": "方案 {name} 覆盖 {horizon} 年，基线方案覆盖 {base} 年：只比较共同的 {years} 年，"
              "不比较整个规划期。"},
    "validate_ok": {"en": "{file}: valid — {name}: {n} facilities ({deliver} deliver), "
                          "{deliveries} deliveries in {year}, {start} to {end}",
                    "zh": "{file}：有效——{name}：{n} 家机构（{deliver} 家助产），{year}年分娩 "
                          "{deliveries} 例，{start} 至 {end}"},
    # capsim run (console)
    "run_head": {"en": "{name}: {n} replications, seed {seed}, {engine}, {start} to {end} "
                       "(warm-up {warmup} days discarded), {elapsed:.1f} s",
                 "zh": "{name}：重复 {n} 次，随机种子 {seed}，{engine}，{start} 至 {end}"
                       "（预热 {warmup} 天，已舍弃），用时 {elapsed:.1f} 秒"},
    "engine_compiled": {"en": "compiled engine", "zh": "编译引擎"},
    "engine_simpy": {"en": "simpy engine", "zh": "simpy 模型"},
    "run_accounted": {"en": "Women accounted for (mean per replication): {arrivals} arrived = "
                            "{delivered} delivered in region + {out} transferred out of region + "
                            "{progress} still in care",
                      "zh": "产妇去向核对（每次重复的平均值）：到达 {arrivals} 人 = 区域内分娩 "
                            "{delivered} 人 + 转出本区域 {out} 人 + 期末仍在院 {progress} 人"},
    "run_halve": {"en": "About {n} replications would halve every interval.",
                  "zh": "约 {n} 次重复可使每个置信区间的宽度减半。"},
    "run_region": {"en": "Region — mean [95% confidence interval] over replications, ± "
                         "half-width, and the spread of single replications (p5-p95: one year's "
                         "outcome can fall anywhere in it).",
                   "zh": "全区域——各次重复的均值 [95%置信区间]、± 半宽，以及单次重复的分布范围"
                         "（第5-95百分位：某一年的实际结果可能落在其中任何位置）。"},
    "run_spread": {"en": "p5-p95", "zh": "第5-95百分位"},
    "run_by_facility": {"en": "By facility (mean [95% CI]):",
                        "zh": "各机构（均值 [95%置信区间]）："},
    "wrote_file": {"en": "wrote {path}", "zh": "已写入 {path}"},
    "import_done": {"en": "{out}: {n} facilities from {table}; the region's risk mix and "
                          "caesarean rates are defaults marked in the file: check them",
                    "zh": "{out}：由 {table} 导入 {n} 个机构；全区域的风险构成和剖宫产率为默认值，"
                          "已在文件中标出：请核对"},
    "sweep_head": {"en": "{name}: {method}, {points} points x {n} replications = {runs} "
                         "simulations; {done} already in {store}",
                   "zh": "{name}：{method}，{points} 个取值点 × {n} 次重复 = {runs} 次模拟；"
                         "{store} 中已有 {done} 次"},
    "sweep_method_oat": {"en": "oat", "zh": "单因素"},
    "sweep_method_grid": {"en": "grid", "zh": "网格"},
    "sweep_method_morris": {"en": "morris", "zh": "Morris 筛选"},
    "sweep_method_sobol": {"en": "sobol", "zh": "Sobol 指数"},
    "sweep_kept": {"en": "Finished simulations are kept in {store}; run the same command again "
                         "to resume.",
                   "zh": "已完成的模拟保存在 {store} 中；再次运行同一命令即可续算。"},
    "sweep_done": {"en": "{runs} simulations in {seconds:.1f} s",
                   "zh": "{runs} 次模拟，用时 {seconds:.1f} 秒"},
    "app_serving": {"en": "capsim app: {url} (Ctrl-C stops it)",
                    "zh": "capsim app：{url}（按 Ctrl-C 停止）"},
    "cli_error": {"en": "error: {message}", "zh": "错误：{message}"},
    "cli_usage_error": {"en": "error: {prog}: {message} (see {prog} --help)",
                        "zh": "错误：{prog}：{message}（参见 {prog} --help）"},
    "error_problem": {"en": "{file}: {field}: {reason}", "zh": "{file}：{field}：{reason}"},
    "error_file": {"en": "{file}: {reason}", "zh": "{file}：{reason}"},
    "cli_terminated": {"en": "terminated", "zh": "已终止"},
    "cli_interrupted": {"en": "interrupted", "zh": "已中断"},
    "report_wrote": {"en": "Wrote {path} ({mb:.1f} MB): {name}, {n} replications, seed {seed}",
                     "zh": "已写入 {path}（{mb:.1f} MB）：{name}，重复 {n} 次，随机种子 {seed}"},
    "wrote": {"en": "Wrote {files} to {folder}/", "zh": "已写入 {folder}/：{files}"},
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
    "region_by_year": {"en": "Region by year: mean ± half-width of its 95% confidence interval "
                              "over replications; the last column is the whole period.",
                       "zh": "全区域逐年结果：各次重复的均值 ± 95%置信区间半宽；最后一列为整个规划期。"},
    "facility_by_year": {"en": "By facility and year (mean ± half-width of the 95% CI); a year "
                                "without beds is shown as closed, not averaged in.",
                         "zh": "各机构逐年结果（均值 ± 95%置信区间半宽）；无床位的年份标为停办，不计入平均。"},
    "closed": {"en": "closed (no beds this year)", "zh": "停办（本年无床位）"},
    # the summary on one page (report and capsim run)
    "one_title": {"en": "Summary on one page", "zh": "一页摘要"},
    "one_sep": {"en": "; ", "zh": "；"},
    "one_colon": {"en": ": ", "zh": "："},
    "one_comma": {"en": ", ", "zh": "，"},
    "one_h_verdicts": {"en": "The region's standards and targets, year by year",
                       "zh": "全区域标准与目标逐年核对"},
    "one_h_gaps": {"en": "The three largest gaps", "zh": "差距最大的三项"},
    "one_h_needs": {"en": "What sizing says is needed", "zh": "测算所需配置"},
    "one_no_targets": {"en": "No standard or target applies to this scenario.",
                       "zh": "本方案没有适用的标准或目标。"},
    "one_year_verdicts": {"en": "{year}: of the region's {n} readings, {passed} pass, "
                                "{failed} fail and {uncertain} are uncertain.",
                          "zh": "{year}年：全区域共{n}项读数，达标{passed}项，未达标{failed}项，"
                                "不确定{uncertain}项。"},
    # Follows a sentence: its leading space (none in Chinese) parts the two.
    "one_failing": {"en": " Failing: {names}.", "zh": "未达标：{names}。"},
    "one_no_gaps": {"en": "No reading fails its standard or target.",
                    "zh": "没有读数未达到其标准或目标。"},
    "one_gap": {"en": "{name}: furthest short at {where} in {year} ({reading}); "
                      "{n} facilities fall short of it.",
                "zh": "{name}：{where}（{year}年）差距最大（{reading}）；共{n}个机构未达到。"},
    "one_gap_region": {"en": "{name}: the region falls short in {year} ({reading}); it is a "
                             "reading of the region alone.",
                       "zh": "{name}：全区域{year}年未达到（{reading}）；该指标仅按全区域衡量。"},
    "one_needs": {"en": "Queueing theory at the loads this run carried, for the default "
                        "service levels, finds short: {items}. capsim size confirms these "
                        "figures by simulation.",
                  "zh": "按本次模拟承载的负荷和默认服务水平，排队论测算不足的有：{items}。"
                        "可用 capsim size 通过模拟确认。"},
    "one_needs_more": {"en": " {n} more facilities are short of something.",
                       "zh": "另有{n}个机构存在不足。"},
    "one_needs_none": {"en": "Queueing theory at the loads this run carried finds every "
                             "facility's beds, midwives and theatres enough for the default "
                             "service levels.",
                       "zh": "按本次模拟承载的负荷，排队论测算各机构的床位、助产士和手术室均满足默认服务水平。"},
    "one_need_beds": {"en": "{needed} beds in {year} (has {now})",
                      "zh": "{year}年需床位{needed}张（现有{now}张）"},
    "one_need_midwives": {"en": "{needed} midwives in {year} (has {now})",
                          "zh": "{year}年需助产士{needed}人（现有{now}人）"},
    "one_need_theatres": {"en": "{needed} theatres in {year} (has {now})",
                          "zh": "{year}年需手术室{needed}间（现有{now}间）"},
    # results.xlsx: sheet names (31 characters at most) and headings
    "xl_by_year": {"en": "By year", "zh": "逐年结果"},
    "xl_summary": {"en": "Summary with intervals", "zh": "汇总及置信区间"},
    "xl_facilities": {"en": "Facilities", "zh": "机构"},
    "xl_targets": {"en": "Standards and targets", "zh": "标准与目标"},
    "xl_flows": {"en": "Referral flows", "zh": "转诊流向"},
    "xl_travel": {"en": "Travel and access", "zh": "路程与可及性"},
    "xl_monthly": {"en": "Monthly", "zh": "逐月结果"},
    "xl_needs": {"en": "Needs (queueing estimate)", "zh": "所需配置（排队论测算）"},
    "xl_delivers": {"en": "Delivers at the start", "zh": "期初是否助产"},
    "xl_yes": {"en": "yes", "zh": "是"},
    "xl_no": {"en": "no", "zh": "否"},
    "xl_reason": {"en": "Reason", "zh": "原因"},
    "region_by_year_ci": {"en": "Region by year: mean over replications with its 95% "
                                 "confidence interval; the last column is the whole period.",
                          "zh": "全区域逐年结果：各次重复的均值及95%置信区间；最后一列为整个规划期。"},
    "closed_note": {"en": "Mean [95% CI] of each year; a year in which a facility had no beds "
                          "is shown as closed rather than averaged in.",
                    "zh": "逐年均值 [95%置信区间]；某机构无床位的年份标为停办，不计入平均。"},
    "booking_facility": {"en": "Facility of booking", "zh": "建册机构"},
    "travel_heading": {"en": "Travel and access", "zh": "路程与可及性"},
    "travel_intro": {"en": "Travel time from the facility where a woman booked to the facility "
                           "where she delivered, from the scenario's transfer minutes (0 when "
                           "she delivered where she booked), by facility of booking and year of "
                           "delivery; women transferred out of the region are not counted. "
                           "Mean [95% CI] over replications.",
                     "zh": "产妇从建册机构到分娩机构的路程时间（按方案中的转运时间计算；在建册机构分娩为0），"
                           "按建册机构和分娩年份统计；转出本区域的产妇不计入。各次重复的均值 [95%置信区间]。"},
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
    "from_parent": {"en": "(the file's note on {at})", "zh": "（取自文件中关于{at}的说明）"},
    "path_facility": {"en": "facility {id}", "zh": "机构 {id}"},
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
    # facility tables (capsim import): column headers and notes of the template
    "ft_id": {"en": "id", "zh": "编号"},
    "ft_id_note": {"en": "short identifier: lower-case letters, digits, - and _",
                   "zh": "简短标识：小写字母、数字、- 和 _"},
    "ft_name": {"en": "name", "zh": "名称"},
    "ft_name_note": {"en": "display name (Chinese allowed)", "zh": "机构名称（可用中文）"},
    "ft_level": {"en": "level", "zh": "级别"},
    "ft_level_note": {"en": "township, county, mch or city_tertiary (乡镇, 县级, 妇幼, 三级)",
                      "zh": "乡镇、县级、妇幼或三级（township, county, mch, city_tertiary）"},
    "ft_ward_beds": {"en": "ward beds", "zh": "产科床位"},
    "ft_ward_beds_note": {"en": "obstetric ward beds: antenatal and postnatal (beds)",
                          "zh": "产科病房床位：产前与产后（张）"},
    "ft_delivery_beds": {"en": "delivery beds", "zh": "产床"},
    "ft_delivery_beds_note": {"en": "delivery and labour beds, held from labour through birth "
                                    "and recovery (beds); blank: one pool, the ward beds; 0 "
                                    "or blank without deliveries",
                              "zh": "产床及待产床，从临产到分娩及产后观察占用（张）；留空则产科床位为"
                                    "一个床位池；无分娩的机构填 0 或留空"},
    "ft_midwives": {"en": "midwives", "zh": "助产士人数"},
    "ft_midwives_note": {"en": "head-count (persons), at least the busiest shift; blank: "
                               "derived from the shifts, each midwife on one shift a day at "
                               "the region's availability",
                         "zh": "在编人数（人），不少于最大班次在岗人数；留空则按各班次在岗人数推算"
                               "（每人每天一个班次，按全区出勤率）"},
    "ft_midwives_am": {"en": "midwives on duty, morning", "zh": "早班在岗助产士"},
    "ft_midwives_pm": {"en": "midwives on duty, afternoon", "zh": "中班在岗助产士"},
    "ft_midwives_night": {"en": "midwives on duty, night", "zh": "夜班在岗助产士"},
    "ft_shift_note": {"en": "midwives on duty on this shift (persons): the facility's own "
                            "roster; give the morning and afternoon shifts (the afternoon "
                            "shift runs through the night when there is no night shift)",
                      "zh": "该班次在岗助产士（人），即本机构排班；至少填早班和中班（无夜班时"
                            "中班延续至次日早班）"},
    "ft_am_start": {"en": "morning shift starts", "zh": "早班开始时间"},
    "ft_pm_start": {"en": "afternoon shift starts", "zh": "中班开始时间"},
    "ft_night_start": {"en": "night shift starts", "zh": "夜班开始时间"},
    "ft_start_note": {"en": "hour the shift starts, 0-23 or 08:00; a shift lasts until the "
                            "next one starts; blank: morning 08:00, afternoon 17:00, night "
                            "00:00",
                      "zh": "班次开始时间，0-23 或 08:00；每班持续到下一班开始；留空则早班 "
                            "08:00、中班 17:00、夜班 00:00"},
    "ft_obstetricians": {"en": "obstetricians", "zh": "产科医师"},
    "ft_obstetricians_note": {"en": "head-count (persons)", "zh": "在编人数（人）"},
    "ft_theatres": {"en": "theatres", "zh": "手术室"},
    "ft_theatres_note": {"en": "operating theatres for obstetrics", "zh": "产科可用手术室（间）"},
    "ft_capabilities": {"en": "capabilities", "zh": "服务能力"},
    "ft_capabilities_note": {
        "en": "caesarean, critical_maternal_care, neonatal_intensive_care, separated by commas "
              "(剖宫产, 危重孕产妇救治, 新生儿重症监护)",
        "zh": "剖宫产、危重孕产妇救治、新生儿重症监护，以逗号或顿号分隔"},
    "ft_caesarean_rate": {"en": "caesarean rate", "zh": "剖宫产率"},
    "ft_caesarean_rate_note": {"en": "caesareans per delivery: 0.38 or 38%; blank: the region's",
                               "zh": "剖宫产占分娩的比例：0.38 或 38%；留空则用全区比例"},
    "ft_deliveries": {"en": "deliveries", "zh": "分娩量"},
    "ft_deliveries_note": {"en": "deliveries a year; 0 for antenatal care only",
                           "zh": "年分娩量；仅产前保健填 0"},
    "ft_longitude": {"en": "longitude", "zh": "经度"},
    "ft_latitude": {"en": "latitude", "zh": "纬度"},
    "ft_coordinate_note": {"en": "degrees, for the referral-flow map", "zh": "度，用于转诊流向图"},
    "ft_notes_sheet": {"en": "notes", "zh": "说明"},
    "ft_column": {"en": "column", "zh": "列"},
    "ft_meaning": {"en": "what it holds", "zh": "内容"},
    "ft_required": {"en": "required", "zh": "必填"},
    # monthly statistics (capsim run, capsim observed)
    "ms_replication": {"en": "replication", "zh": "重复"},
    "ms_facility": {"en": "facility", "zh": "机构"},
    "ms_year": {"en": "year", "zh": "年"},
    "ms_month": {"en": "month", "zh": "月"},
    "ms_measure": {"en": "measure", "zh": "指标"},
    "ms_value": {"en": "value", "zh": "数值"},
    "ms_deliveries": {"en": "deliveries", "zh": "分娩量"},
    "ms_referrals_up": {"en": "referrals up", "zh": "上转人数"},
    "ms_referrals_down": {"en": "referrals down", "zh": "下转人数"},
    "ms_referrals_same_level": {"en": "referrals at the same level", "zh": "同级转诊人数"},
    "ms_out_of_region": {"en": "out-of-region transfers", "zh": "转出本区域人数"},
    "ms_newborn_transfers": {"en": "newborn transfers", "zh": "新生儿转运人数"},
    "ms_paediatric_admissions": {"en": "paediatric admissions", "zh": "儿科住院人数"},
    "ms_newborns_out_of_region": {"en": "newborns transferred out of the region",
                                  "zh": "新生儿转出本区域人数"},
    "ms_paediatric_referrals_up": {"en": "paediatric referrals up", "zh": "儿科上转人数"},
    "ms_paediatric_referrals_down": {"en": "paediatric referrals down", "zh": "儿科下转人数"},
    "ms_paediatric_out_of_region": {"en": "children transferred out of the region",
                                    "zh": "儿童转出本区域人数"},
    "h_monthly": {"en": "Monthly statistics", "zh": "运转情况月统计"},
    "fig_monthly": {"en": "Monthly statistics: region and busiest facilities, mean and 5-95% "
                          "band over replications",
                    "zh": "月统计：全区域及分娩量最大的机构，各次重复的平均值及5-95%区间"},
    "ms_report_note": {"en": "The region's months (mean over replications, 5th-95th "
                             "percentile in brackets); every facility's months are in "
                             "monthly-form.csv and monthly.csv of the results folder.",
                       "zh": "全区域各月（各次重复的平均值，括号内为第5-95百分位）；各机构的月数据见结果文件夹中的 "
                             "monthly-form.csv 与 monthly.csv。"},
    "ms_title": {"en": "Monthly statistics by facility: {name}",
                 "zh": "各机构运转情况月统计表：{name}"},
    "ms_chart_title": {"en": "{measure} by month: {name}", "zh": "各月{measure}：{name}"},
    "ms_band_note": {"en": "mean of {n} replications; 5th-95th percentile band",
                     "zh": "{n}次重复的平均值；第5-95百分位区间"},
    "ms_observed": {"en": "observed", "zh": "实际上报"},
    "ms_simulated_mean": {"en": "simulated mean", "zh": "模拟平均值"},
    "ms_low": {"en": "5th percentile", "zh": "第5百分位"},
    "ms_high": {"en": "95th percentile", "zh": "第95百分位"},
    "ms_inside": {"en": "inside the band", "zh": "在区间内"},
    "ms_coverage": {"en": "{inside} of {n} observed months ({share}) inside the simulated "
                          "5-95% band; about 90% expected if the model describes the region",
                    "zh": "{n}个实际上报月份中有{inside}个（{share}）落在模拟的5-95%区间内；"
                          "若模型符合本地区实际，约应为90%"},
    "ms_coverage_measure": {"en": "{measure}: {inside} of {n} months inside ({share})",
                            "zh": "{measure}：{n}个月中{inside}个在区间内（{share}）"},
    "ms_no_match": {"en": "no observed month matches a simulated one (facility, year, month)",
                    "zh": "实际上报的月份与模拟结果（机构、年、月）均不对应"},
}


def locale_lang(environ: Mapping[str, str] | None = None) -> str:
    """The language of the locale: "zh" when the first of LC_ALL, LC_MESSAGES and LANG that is
    set starts with ``zh`` (zh_CN.UTF-8, zh_TW...), else "en"."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


#: Chinese words for the parts of a scenario path a sweep varies (`path_zh`).
PATH_WORDS_ZH: dict[str, str] = {
    "facilities": "机构", "beds": "床位", "midwives": "助产士", "obstetricians": "产科医师",
    "theatres": "手术室", "demand": "需求", "deliveries": "分娩量", "annual_growth": "年增长率",
    "risk_mix": "风险构成", "booking": "建册比例", "planned_caesarean_rate": "计划剖宫产率",
    "emergency_caesarean_rate": "紧急剖宫产率", "pathway": "诊疗路径", "labour": "产程",
    "postnatal_los": "产后住院日", "vaginal": "阴道分娩", "caesarean": "剖宫产",
    "caesarean_duration": "剖宫产手术时长", "emergency_preparation": "紧急剖宫产术前准备时间",
    "antenatal": "产前住院", "probability": "概率", "days": "天数", "roster": "排班",
    "availability": "可出勤比例", "shifts_per_day": "每日班次", "mean": "均值", "sd": "标准差",
    "referral": "转诊", "default_transfer_minutes": "默认转运时间", "transfers": "转运",
    "minutes": "分钟", "women_per_midwife": "每名助产士照护人数",
    "intrapartum_complication": "产时并发症", "green": "绿色", "yellow": "黄色", "orange": "橙色",
    "red": "红色", "purple": "紫色", "*": "全部",
}


def path_zh(path: str, facility_names: Mapping[str, str] | None = None) -> str:
    """A Chinese name made from a scenario path: ``facilities[county].beds`` becomes
    "县医院 床位" (the facility's name from ``facility_names``), ``pathway.postnatal_los.
    caesarean.mean`` "产后住院日 剖宫产 均值"; a part without a Chinese word stays as it is."""
    import re

    names = facility_names or {}
    words = []
    for part in path.split("."):
        m = re.fullmatch(r"(\w+)\[([^\]]+)\]", part)
        if m and m.group(1) == "facilities":
            words.append("全部机构" if m.group(2) == "*" else names.get(m.group(2), m.group(2)))
            continue
        if m:
            words += [PATH_WORDS_ZH.get(m.group(1), m.group(1)), m.group(2)]
            continue
        if part == "pathway" or part == "demand" or part == "referral":
            continue   # the section adds nothing a planner needs
        words.append(PATH_WORDS_ZH.get(part, part))
    return " ".join(words)


def readable_path(path: str, lang: str = "en") -> str:
    """A scenario field path as a planner reads it: ``facilities[township-1]`` becomes
    "facility township-1", dots become " › " (``pathway.roster`` → "pathway › roster")."""
    parts = []
    for part in path.split("."):
        if part.startswith("facilities[") and part.endswith("]"):
            part = t("path_facility", lang, id=part[len("facilities["):-1])
        parts.append(part)
    return " › ".join(parts)


def t(key: str, lang: str = "en", **fmt) -> str:
    """Return the string ``key`` in ``lang`` ("en" or "zh"), formatted with ``fmt``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    return STRINGS[key][lang].format(**fmt)


#: The command line's help in Chinese, looked up by `help_zh`: ``COMMAND`` is a command's
#: description, ``COMMAND:line`` its line in ``capsim --help``, ``DEST`` an option shared by
#: commands (its argparse dest), ``COMMAND.DEST`` one of a single command. English help is
#: written beside each option in capsim/cli/.
HELP_ZH: dict[str, str] = {
    "capsim": "孕产期保健服务能力规划：模拟方案中的每一例分娩，报告床位、人员和服务水平及其置信区间"
              "。",
    "usage": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "help": "显示本帮助并退出",
    "version": "显示版本号并退出",
    "init:line": "写出带注释的起步方案及各项输入的数据来源说明",
    "run:line": "模拟一个方案，输出汇总表和图表",
    "validate:line": "只校验方案文件，不模拟",
    "check:line": "对照配置标准和方案目标核对（有未达标项时退出码为1）",
    "schema:line": "写出方案文件和敏感性分析文件的 JSON Schema",
    "sweep:line": "敏感性分析：单因素、网格、Morris 或 Sobol",
    "compare:line": "以公共随机数将各比较方案与基线方案配对比较",
    "size:line": "测算各机构达到服务水平所需的最少床位、助产士和手术室",
    "report:line": "为一个方案的模拟结果写出一份独立的 HTML 报告",
    "init": "在 DIR 中写出起步方案 scenario.yaml（县医院、妇幼保健院和两个乡镇卫生院，每个数字都是"
            "带注释的"
            "占位值）和 WHERE-THE-NUMBERS-COME-FROM.md（每项输入取自哪种分娩登记、统计年鉴表格或医"
            "院报告）。"
            "该方案原样即可校验和运行。不会覆盖已有文件。",
    "run": "模拟一个方案，打印带95%置信区间的汇总，并写出 summary.csv、flows.csv、daily.csv 和 PNG "
           "图表。",
    "validate": "只校验方案文件、不模拟：文件有效时退出码为0；否则退出码为2，并列出每个问题的文件、"
                "字段和原因。",
    "check": "对照标准目录和方案自身目标核对方案：逐项目标、范围和年份给出数值、95%置信区间、阈值、"
             "余量和判定"
             "（达标、未达标、不确定、不适用）。只有目标需要模拟读数时才模拟。无未达标项时退出码为0，"
             "有未达标项为1，输入错误为2。",
    "schema": "写出方案文件和敏感性分析文件的 JSON Schema，供编辑器自动补全和校验。",
    "sweep": "运行 SPEC 定义的敏感性分析：每个取值点和每次重复完成后即写入 "
             "DIR/sweep.sqlite，中断后再次运行"
             "同一命令即可续算。完成后写出 indices.csv、summary.csv 和对应方法的图表。",
    "compare": "以相同的随机种子和重复次数（公共随机数）模拟基线方案和各比较方案，逐年打印各比较方"
               "案与基线的"
               "配对差值及95%置信区间，并写出 differences.csv、scenarios.csv 和各关键指标的图表。",
    "size": "从排队论出发、通过模拟整个区域加以确认，求出每个机构每年达到服务水平所需的最少床位、在"
            "岗助产士"
            "（及编制人数）和手术室（95%置信区间完全落在服务水平之内才算达到）。配置完全相同的机构合并测算，"
            "结果相同。结果与现有容量、配置比例标准和工作量编制并列打印。退出码：0 "
            "所有服务水平均已确认；"
            "1 未确认（没有一轮模拟满足全部服务水平：请增加轮次或重复次数）；2 输入错误；3 "
            "某机构有服务水平"
            "无论容量多少都无法达到（如受术前准备和转运时间限制的决定至分娩比例），其余服务水平已满足。",
    "report": "模拟一个方案（或读取 capsim run 写出的结果文件夹），写出一份内嵌图片的 HTML "
              "文件：方案说明、"
              "每个参数及其来源或声明的假设、结果与目标判定、图表，以及按 STRESS-DES "
              "清单撰写的方法部分。",
    "scenario": "方案文件（YAML 或 TOML）",
    "report.scenario": "方案文件（YAML 或 TOML），或 capsim run 写出的结果文件夹",
    "folder": "要写入的文件夹（不存在则新建）",
    "replications": "重复次数（默认：方案中的 run.replications）",
    "seed": "随机种子（默认：方案中的 run.seed）",
    "workers": "工作进程数（默认：全部CPU核；1 表示在本进程内运行）",
    "scheduler": "在该调度器地址的 dask 集群上运行，如 tcp://host:8786（默认：环境变量 "
                 "CAPSIM_SCHEDULER；"
                 "此时忽略 --workers）",
    "scheduler_timeout": "连接调度器及等待其第一个工作进程的最长时间（秒）",
    "lang": "语言：en 英文，zh 中文（默认：按区域设置，zh_* 为中文）",
    "out": "输出文件夹（不存在则新建；capsim 所有命令的 --out 都是文件夹）",
    "run.out": "输出文件夹（默认：capsim-results/<方案文件名>；capsim 所有命令的 --out 都是文件夹"
               "）",
    "check.out": "输出文件夹：写入 check.csv 和 check.json（默认：只打印；capsim 所有命令的 --out "
                 "都是文件夹）",
    "size.out": "输出文件夹：写入对照表 sizing.csv 和床位需求与机构规模图 "
                "sizing.png（默认：只打印）",
    "report.out": "输出文件夹：写入 report.html（默认：给出结果文件夹时即写入该文件夹，否则为 "
                  "capsim-results/<方案文件名>）",
    "schema.out": "要写入的文件夹（默认：capsim-schema）",
    "trace": "另外把每名产妇每次重复的记录写入 DIR/trace/",
    "engine": "每次重复的模拟引擎：compiled（默认，编译后的快速引擎）或 simpy（同一路径的可读 "
              "simpy 模型，"
              "结果相同，慢十倍以上）",
    "show": "打印校验后的方案（填入全部默认值）",
    "spec": "敏感性分析文件（YAML）",
    "analyse_only": "不模拟：对已存储的结果重新分析和作图",
    "base": "基线方案文件（YAML 或 TOML）",
    "variants": "比较方案文件",
    "service_level": "服务水平，可重复给出：no_bed=0.01、occupancy=0.85、midwife=0.95、midwife_minu"
                     "tes=15、"
                     "ddi=0.95、ddi_minutes=30（比例可写作小数或带 %；off "
                     "表示不测算该项）。默认：标准目录中"
                     "经方案目标设定后的服务水平",
    "rounds": "充足容量模拟之后最多的模拟轮次（默认10）",
    "import:line": "把机构表（CSV 或 xlsx）转换为方案文件",
    "import": "把机构表（每行一个机构：编号、名称、级别、病房床位、产床、助产士人数或各班次在岗助"
              "产士、产科医师、手术室、服务能力、剖宫产率、分娩量、坐标；表头可用中文或英文）转换为"
              "方案文件，其中每个取值都注明来自表中哪一行。每个有误的单元格都会被拒绝，并给出行、列"
              "和原因。--template DIR 写出待填写的表格（.xlsx 和 .csv）。",
    "import.out": "要写入的方案文件（YAML）",
    "import.table": "机构表（UTF-8 编码的 .csv，或 .xlsx）",
    "import.name": "方案名称（默认：机构表的文件名）",
    "import.start_year": "模拟的第一个日历年（默认：明年）",
    "import.template": "把中英双语模板（facility-table.xlsx 和 .csv）写入 DIR",
    "observed:line": "将实际上报的月统计与模拟结果的5-95%区间对照",
    "observed": "把 TABLE 中实际上报的各月数据（每行一个机构一个月，每列一项指标，格式同运行结果中的"
                " monthly-form.csv；CSV 或 Excel，表头可用中文或英文）与 RESULTS_DIR 中运行结果的模"
                "拟5-95%区间对照，打印落在区间内的月份比例：若模型符合本地区实际，约为90%。每个有误"
                "的单元格都会被拒绝，并给出行、列和原因。",
    "observed.out": "写出每个实际上报月份及其模拟区间的 CSV 文件",
    "observed.lang": "输出语言",
    "observed.table": "实际上报的月统计（UTF-8 编码的 .csv，或 .xlsx）",
    "observed.results": "capsim run 写出的结果文件夹",
    "app:line": "在浏览器中打开方案推演页面，供规划会议使用",
    "app": "在 127.0.0.1 上为一个方案提供推演页面：按机构和年份修改床位、人员、手术室和分娩量，修改"
           "出生增长、剖宫产率和转诊规则，数秒内即可看到标准与目标判定、与基线方案的差异及95%置信区"
           "间（公共随机数）、床位使用率、转诊流向图和测算所需配置。可把此方案保存为继承原方案的文"
           "件，并下载报告。需要安装 app 附加组件：pip install 'capsim[app]'。",
    "app.scenario": "方案文件（YAML 或 TOML）：基线方案",
    "app.lang": "页面打开时的语言（页面上可切换）",
    "app.replications": "基线方案和每个推演方案的重复次数（默认：方案中的设定）",
    "app.port": "127.0.0.1 上的端口（默认：8765；0 表示任一空闲端口）",
    "app.save_dir": "“保存此方案”写入的文件夹（默认：方案文件所在文件夹）",
    "app.no_browser": "不在浏览器中打开页面",
}


def help_zh(key: str) -> str | None:
    """The Chinese help of ``key`` (see `HELP_ZH`), or None when there is none."""
    return HELP_ZH.get(key)


#: Chinese descriptions of scenario parameters, for the report's parameter appendix, keyed by
#: the path with list items as ``[]``, risk colours and facility keys as ``*``, and the
#: distribution parts (``.mean``, ``.sd``, ``.dist``) left off (`field_description_zh`). Bounds
#: and sources are as in the English field descriptions.
FIELD_ZH: dict[str, str] = {
    "name": "方案名称。", "name_zh": "中文显示名称（默认：name）。",
    "name_en": "英文显示名称（默认：name）。", "description": "方案说明及其数据来源。",
    "horizon.start": "报告期第一天（YYYY-MM-DD）。",
    "horizon.years": "自开始日起的时长（日历年）。",
    "horizon.days": "以天计的时长，代替 years（天）。",
    "horizon.warmup_days": "开始日前先模拟、随后舍弃的天数，使期初床位不为空（天）。默认42天，为常"
                           "见最长住院日的数倍。",
    "run.replications": "报告期的独立重复次数（次）。",
    "run.seed": "方案随机种子；所有随机流都由它派生（无单位）。",
    "facilities[].id": "在规则和输出中使用的简短标识（小写字母、数字、- 和 _）。",
    "facilities[].name": "显示名称（可用中文）。", "facilities[].name_en": "英文显示名称。",
    "facilities[].level": "机构级别：township（一级，乡镇卫生院）、county 或 "
                          "mch（二级，县医院或妇幼保健院）、"
                          "city_tertiary（三级，市级医院）。",
    "facilities[].delivers": "为 false 时机构只提供孕产期保健、不助产。",
    "facilities[].beds": "产科床位，产前、产时和产后共用（张）。",
    "facilities[].midwives": "助产士在岗人数（人）。",
    "facilities[].obstetricians": "产科医师（妇产科医生）在岗人数（人）。",
    "facilities[].theatres": "产科可用的手术室（间）。",
    "facilities[].capabilities": "处置能力：caesarean（剖宫产）、critical_maternal_care（危重孕产妇"
                                 "救治）、"
                                 "neonatal_intensive_care（新生儿重症监护）。",
    "facilities[].location": "经度和纬度，用于转诊流向图（度）。",
    "facilities[].initial_census": "模拟开始时已在院的产妇，代替或补充预热期（人）。",
    "demand.deliveries": "开始年份（或设定 trend 时 trend.base_year）区域内的预期分娩量（例/年）。",
    "demand.deliveries_by_year": "指定年份的预期分娩量（例/年），优先于一切预测。",
    "demand.trend": "按全国出生趋势逐年推算分娩量（不设定时分娩量不随趋势变化）。",
    "demand.trend.series": "内置出生序列：china-births（国家统计局实际出生数，其后为联合国《世界人"
                           "口展望2024》中方案至2030年）"
                           "或 china-births-low（同一实际数，其后为低方案）。",
    "demand.trend.index": "按年份的指数，如每年出生数（任意单位）；未给出时取自 series。",
    "demand.trend.base_year": "分娩量等于 demand.deliveries 的年份（日历年）。",
    "demand.population": "由分年龄组育龄妇女数 × 年龄别生育率 × 政策乘数 × "
                         "在本区域分娩的比例推算分娩量。",
    "demand.caesarean_changes": "自指定日期起改变的剖宫产率。",
    "demand.annual_growth": "开始年份之后分娩量的年增长率，0.02 即每年 +2%（每年比率）。",
    "demand.month_profile": "各月每日的相对分娩量，从一月开始；12个数（相对权重）。",
    "demand.weekday_profile": "一周各天的相对临产数，从周一开始；7个数（相对权重）。",
    "demand.hour_profile": "一天各小时的相对临产数，从 00:00 开始；24个数（相对权重）。",
    "demand.planned_caesarean_hours": "计划剖宫产开始的钟点（时）；遇周末提前到周末前的工作日。"
                                      "默认 08:00-12:00（Martin et al., PLoS One 2018）。",
    "demand.risk_mix.*": "各风险等级（五色管理）产妇所占比例，合计为1（比例）。",
    "demand.planned_caesarean_rate.*": "按风险等级的计划（临产前）剖宫产概率（概率）。",
    "demand.emergency_caesarean_rate.*": "按风险等级的临产产妇需紧急剖宫产的概率（概率）。",
    "demand.booking.*": "在各机构建册的产妇比例，合计为1（比例）。只提供孕产期保健的机构也可列出，"
                        "其产妇转诊分娩。",
    "demand.events": "自指定日期起的需求乘数，相互连乘。",
    "pathway.labour": "助产士陪伴的活跃期时长（小时）。默认：总产程中位数初产妇9.38小时、经产妇5.08"
                      "小时"
                      "（Gu C et al., BMC Pregnancy Childbirth 2020;20:386），混合估计。",
    "pathway.antenatal.*.probability": "临产前入院的概率（概率）。",
    "pathway.antenatal.*.days": "临产或计划剖宫产前的住院时间（天）。",
    "pathway.postnatal_los.vaginal": "阴道分娩后的住院时间（天）。默认均值2.85天：广东1,902家机构的"
                                     "中位数"
                                     "（Li B et al., 中国公共卫生 2018;34:9）；标准差为假设。",
    "pathway.postnatal_los.caesarean": "剖宫产后的住院时间（天）。默认均值6.0天（同一来源）；标准差"
                                       "为假设。",
    "pathway.intrapartum_complication.*": "按风险等级的产时需危重孕产妇救治的并发症概率（概率）；为"
                                          "假设，未找到公开数据。",
    "pathway.caesarean_duration": "剖宫产占用手术室的时间（分钟）；为假设。",
    "pathway.emergency_preparation": "手术室空闲时紧急剖宫产从决定到胎儿娩出的时间（分钟）。取值使"
                                     "约72%在30分钟内，"
                                     "与国内一家医院的报道相符（已发表的医院审计：国内30.3%-72.2%，英国66.3%）。",
    "pathway.one_to_one_midwife": "活跃期产妇需要一名助产士专人陪伴。",
    "pathway.women_per_midwife": "one_to_one_midwife 为 false 时一名助产士同时照护的临产产妇数（人"
                                 "）。",
    "pathway.midwife_wait_target_minutes": "在此分钟数内获得助产士即为及时（分钟）。",
    "pathway.ddi_target_minutes": "紧急剖宫产决定至分娩时间目标（分钟）；母婴保障工作计划规定为30分"
                                  "钟。",
    "pathway.roster.shifts_per_day": "覆盖24小时的班次数，3即8小时一班（班）。",
    "pathway.roster.availability": "扣除每周休息、休假和培训后可排班人数占在岗人数的比例（比例）。"
                                   "默认0.65 = "
                                   "每周5/7个工作日 × 0.91（年假、节假日、培训）：为假设，请按本地"
                                   "排班设定。",
    "pathway.obstetricians_per_caesarean": "一台剖宫产同时需要的在岗产科医师数（人）。",
    "referral.eligibility.*.min_level": "按风险等级，分娩机构的最低级别。默认（母婴保障工作计划）："
                                        "黄色及以上在二级及以上机构分娩。",
    "referral.eligibility.*.capabilities": "分娩机构必须具备的处置能力。",
    "referral.transfers[].between": "机构间转运时间：两个机构的标识。",
    "referral.transfers[].minutes": "机构间转运时间（分钟）。",
    "referral.default_transfer_minutes": "未列出的机构对之间的转运时间（分钟）。南宁一级医院至危重"
                                         "救治中心为48-84分钟（Wu X 2017）。",
    "referral.order.*": "某机构的产妇需转往他处（无床、风险规则、急诊）时依次尝试的机构。未列出的机"
                        "构随后按距离由近及远尝试；"
                        "转出本区域总是最后的选择。",
    "referral.changes": "自指定日期起改变的分娩资格规则。",
    "policy": "按日期发生的机构资源变化。",
    "policy[].date": "变化生效日期（YYYY-MM-DD）。", "policy[].facility": "机构标识。",
    "policy[].beds": "床位的增减（张）。", "policy[].midwives": "助产士人数的增减（人）。",
    "policy[].obstetricians": "产科医师人数的增减（人"
                              "）。", "policy[].theatres": "手术室的增减（间）。",
    "policy[].delivers": "true：开始助产；false：停止助产"
                         "。", "policy[].note": "原因（来源或理由）。",
    "demand.events[].date": "乘数生效的第一天（YYYY-MM-DD）。",
    "demand.events[].mul"
    "tiplier": "需求乘数（1 为不变）。", "demand.events[].note": "原因（来源或理由）。",
    "demand.caesarean_changes[].date": "新剖宫产率生效日期（YYYY-MM-DD）。",
    "demand.caesarean_changes[].planned.*": "按风险等级的新计划剖宫产概率（概率）。",
    "demand.caesarean_changes[].emergency.*": "按风险等级的新紧急剖宫产概率（概率）。",
    "demand.caesarean_changes[].note": "原因（来源或理由）。",
    "referral.changes[].date": "新规则生效日期（YYYY-MM-DD）。",
    "referral.changes[].eligibility.*.min_level": "按风险等级，分娩机构的最低级别（新规则）。",
    "referral.changes[].eligibility.*.capabilities": "分娩机构必须具备的处置能力（新规则）。",
    "referral.changes[].note": "原因（来源或理由）。",
    "referral.order": "各机构产妇需转往他处时依次尝试的机构（未列出时按距离由近及远）。",
    "referral.split": "某机构需转往他处的产妇（计划转诊、无床、急诊）按权重分配到各机构，而不是都先"
                      "尝试转诊顺序中的第一个：每名产妇先尝试按权重抽中的机构，再按转诊顺序尝试其余"
                      "机构（相对权重）。",
    "referral.split.*": "转出产妇分配到该目标机构的权重（相对权重）。",
    # two bed pools, a facility's own roster and casemix
    "facilities[].ward_beds": "产科病房床位，供产前住院和产后住院使用，与 delivery_beds 并用（张）；"
                              "即该机构的 beds（二者给出其一，或两者相等）。每千分娩量床位数按此计"
                              "算，与配置标准一致。最多10,000。",
    "facilities[].delivery_beds": "产床（含待产床），自临产占用至分娩及产后观察结束（张）；给出时该机"
                                  "构有两类床位，其 beds 即病房床位。无空产床时临产产妇转院；产后观"
                                  "察结束时无空病房床位则继续占用产床（出院受阻）。最多10,000。",
    "facilities[].roster": "本机构按班次或按小时的在岗人员，代替全区排班（pathway.roster）。",
    "facilities[].roster.shifts": "一天的各个班次及其开始时间和在岗人员，如 白班 08:00 助产士16人、"
                                  "夜班 17:00 助产士3人。最多24个班次。",
    "facilities[].roster.shifts[].name": "班次名称（am、pm、night、白班等）。最多200个字符。",
    "facilities[].roster.shifts[].start": "班次开始的钟点，0-23；持续到下一班次开始（时）。",
    "facilities[].roster.shifts[].midwives": "本班次在岗助产士（人）。最多10,000。",
    "facilities[].roster.shifts[].obstetricians": "本班次在岗产科医师（人）；不填则按全区排班由编制"
                                                  "人数折算在岗人数。最多10,000。",
    "facilities[].roster.midwives_by_hour": "一天中每小时在岗的助产士，从 00:00 开始；24个数（人）。",
    "facilities[].roster.obstetricians_by_hour": "一天中每小时在岗的产科医师，从 00:00 开始；24个数"
                                                 "（人）。不填则按全区排班由编制人数折算。",
    "facilities[].casemix": "在本机构建册产妇的病例构成（与全区域不同之处）：风险构成、剖宫产率、住院"
                            "时间、产程和并发症。",
    "facilities[].casemix.risk_mix": "在本机构建册产妇各风险等级所占比例，合计为1（比例）。五种颜色"
                                     "全部给出，或都不给出（用全区构成）。",
    "facilities[].casemix.risk_mix.*": "在本机构建册产妇中该风险等级所占比例（比例）。",
    "facilities[].casemix.planned_caesarean_rate": "按风险等级的计划（临产前）剖宫产概率（概率）；未"
                                                   "列出的颜色用全区比率。列出的颜色在全区按日期"
                                                   "改变剖宫产率时保持此比率。",
    "facilities[].casemix.planned_caesarean_rate.*": "该风险等级的计划剖宫产概率（概率）。",
    "facilities[].casemix.emergency_caesarean_rate": "按风险等级的临产产妇需紧急剖宫产的概率（概率）"
                                                     "；未列出的颜色用全区比率。",
    "facilities[].casemix.emergency_caesarean_rate.*": "该风险等级的紧急剖宫产概率（概率）。",
    "facilities[].casemix.intrapartum_complication": "按风险等级的产时需危重孕产妇救治的并发症概率（"
                                                     "概率）；未列出的颜色用全区概率。",
    "facilities[].casemix.intrapartum_complication.*": "该风险等级的产时并发症概率（概率）。",
    "facilities[].casemix.postnatal_vaginal": "阴道分娩后的住院时间（天）。",
    "facilities[].casemix.postnatal_caesarean": "剖宫产后的住院时间（天）。",
    "facilities[].casemix.labour": "在本机构建册的所有产妇的活跃期时长（小时）。",
    "facilities[].casemix.labour_by_colour": "按风险等级的活跃期时长（小时），优先于 labour。",
    "facilities[].casemix.labour_by_colour.*": "该风险等级的活跃期时长（小时），优先于 labour。",
    "facilities[].casemix.labour_with_complication": "发生产时并发症的产妇的活跃期时长（小时），优先"
                                                     "于前两项。",
    "policy[].delivery_beds": "产床的增减（张），用于有两类床位的机构；这些机构的 beds 即病房床位。"
                              "增减各最多10,000。",
    "policy[].cots": "新生儿床位按级别（special、intensive）的增减（张），用于设有新生儿救治的情景。",
    "policy[].cots.special": "新生儿病房床位（II级）的增减（张）。增减各最多10,000。",
    "policy[].cots.intensive": "新生儿重症监护床位（III级）的增减（张）。增减各最多10,000。",
    "policy[].paediatric_beds": "儿科床位的增减（张），用于设有儿科服务线的情景；无儿科床位的机构"
                                "可借此开设病房。增减各最多10,000。",
    "pathway.midwife_rule": "queue：临产产妇等待空闲助产士；ratio：照护立即开始，并记录临产产妇多于"
                            "在岗助产士可照护人数的时间（midwife_ratio_exceeded_share）。",
    "pathway.recovery_hours": "有两类床位的机构中，产妇分娩后留在产床上观察、再转入病房床位的时间（"
                              "小时）。默认2小时：即产后2小时观察。最多525,600。",
    # the region's population, when demand is projected from it
    "demand.population.women": "按日历年和五岁年龄组的育龄妇女人数（人）。列出年份之间线性插值。",
    "demand.population.fertility": "按五岁年龄组的年龄别生育率（每千名妇女每年出生数）。最多1,000。",
    "demand.population.fertility_multiplier": "按日历年的生育率政策乘数，1.1 即 +10%（如生育补贴）"
                                              "（倍数）；未列出的年份为1。最多100。",
    "demand.population.delivered_in_region": "本区域妇女每次生育对应在本区域的分娩数（比例）；部分妇"
                                             "女在区外分娩时小于1，区外妇女来本区域分娩时大于1。",
    # newborn care
    "newborn": "新生儿救治。",
    "newborn.need.special.*": "按母亲风险等级，阴道分娩后新生儿需要特别护理（二级新生儿床位）的概率"
                              "（概率）。默认值为假设（参考指南），随风险升高。",
    "newborn.need.intensive.*": "按母亲风险等级，阴道分娩后新生儿需要重症监护（三级新生儿床位）的概率"
                                "（概率）。默认值为假设（参考指南），使每千例出生约占用1张重症监护床"
                                "位（Field DJ et al., BMJ 1989）。",
    "newborn.need.caesarean_factor": "剖宫产分娩后两项概率均乘以此数（倍数）。默认1.5，为假设（参考指"
                                     "南）。最多100。",
    "newborn.cots": "按机构标识的新生儿床位；未列出的机构没有。",
    "newborn.cots.*.special": "特别护理新生儿床位，二级（张）。最多10,000。",
    "newborn.cots.*.intensive": "重症监护新生儿床位，三级（张）。最多10,000。",
    "newborn.stay.special": "占用特别护理床位的时间（天）。默认均值7天、标准差5天：为假设（参考指南）"
                            "。",
    "newborn.stay.intensive": "占用重症监护床位的时间（天）。默认均值14天、标准差12天：为假设（参考指"
                              "南）。",
    "newborn.centres": "危重新生儿救治中心（机构标识）。指定后只有这些中心收治需要重症监护的新生儿；"
                       "每个中心须有重症监护床位。国家要求市级和县级至少各有一个（国卫办妇幼发〔2017〕"
                       "40号）。",
    "newborn.mother_accompanies": "新生儿转运时母亲随行的概率（概率）；只计数：本模型不模拟母亲自己"
                                  "的床位，产妇结果不受影响。",
    # the paediatric service line
    "paediatric": "儿科服务。",
    "paediatric.groups": "病种组。最多10,000个。",
    "paediatric.groups[].id": "简短标识（小写字母、数字、- 和 _）。",
    "paediatric.groups[].admissions": "全区域每年住院患儿数，未计增长（人/年）。最多5,000,000。",
    "paediatric.groups[].month_profile": "各月住院量，从一月开始；12个数，按均值为1缩放（相对权重）。",
    "paediatric.groups[].severity.*": "轻度、中度和重度病例所占比例，合计为1（比例）。",
    "paediatric.groups[].stay": "占用儿科床位的时间（天）。",
    "paediatric.beds.*": "按机构标识的儿科床位（张）；未列出的机构没有。",
    "paediatric.presentation.*": "患儿首诊机构：按机构标识的比例，合计为1（比例）。",
    "paediatric.severity_level.*": "收治各严重程度患儿的最低机构级别。",
    "paediatric.down_referral_after": "上转患儿病情稳定、在首诊机构有空床时转回的住院时间比例；不填"
                                      "则不转回（比例）。默认0.5，为假设。",
    "paediatric.annual_growth": "自规划期第一年起住院量的年增长率（比例）。最多1。",
    "paediatric.beds": "按机构标识的儿科床位（张）；未列出的机构没有。",
    "paediatric.presentation": "患儿首诊机构：按机构标识的比例，合计为1（比例）。",
    "paediatric.severity_level": "收治各严重程度患儿的最低机构级别。",
    "paediatric.groups[].severity": "轻度、中度和重度病例所占比例，合计为1（比例）。",
}

#: The part of a distribution a parameter path ends in, in Chinese.
DISTRIBUTION_PART_ZH: dict[str, str] = {
    "mean": "均值（单位同上）。", "sd": "标准差（单位同上）；在均值不变时决定分布形状。",
    "dist": "分布族：fixed（固定为均值）、exponential（标准差=均值）、lognormal 或 "
            "gamma（需给出标准差）。",
}


def field_description_zh(path: str) -> str | None:
    """The Chinese description of the scenario parameter at ``path`` (such as
    ``pathway.postnatal_los.caesarean.mean`` or ``facilities[county].beds``), or None when the
    catalogue has none (`FIELD_ZH`)."""
    import re

    key = re.sub(r"\[[^\]]*\]", "[]", path)
    key = re.sub(r"\.(green|yellow|orange|red|purple|mild|moderate|severe)(?=\.|$)", ".*", key)
    key = re.sub(r"^(demand\.booking|referral\.order|paediatric\.beds|paediatric\.presentation)"
                 r"\..*$", r"\1.*", key)
    key = re.sub(r"^(referral\.split)\..*$", r"\1.*", key)
    key = re.sub(r"^newborn\.cots\.[^.]+\.", "newborn.cots.*.", key)
    key = re.sub(r"^(demand\.trend\.index|demand\.deliveries_by_year)\..*$", r"\1", key)
    if key in FIELD_ZH:
        return FIELD_ZH[key]
    head, _, part = key.rpartition(".")
    if part in DISTRIBUTION_PART_ZH and head in FIELD_ZH:
        return f"{FIELD_ZH[head]} {DISTRIBUTION_PART_ZH[part]}"
    return None


#: The notes of the packaged catalogue's standards (capsim/data/standards.yaml) in Chinese,
#: by standard id; a scenario's own targets keep the note their file gives.
CATALOGUE_NOTE_ZH: dict[str, str] = {
    "beds-per-1000": "“按照每千分娩量产科床位数一七张 … 的配置标准”（数字按原文写法）。见于一个城市的行动"
                     "计划；未找到全国性的原始文件。机构的计划分娩量 = 全区域计划分娩量 × 该机构建册比例。",
    "midwives-per-1000": "“每千分娩量六名助产士”。助产士按编制人数计。见于一个城市的行动计划；未找到全国"
                         "性的原始文件。",
    "obstetricians-per-bed": "原文缺少该数字（“每张产科床位名产科医生”）；0.4 为通常引用的全国数字，属于假"
                             "设，需对照现行全国文件核实。已知本地数字时请在方案中覆盖该阈值。",
    "ddi-30-min": "“紧急剖宫产自决定手术至胎儿娩出时间(DDI)应当努力控制在三零分钟以内并逐步缩短”。原文未规定"
                  "手术所占比例；capsim 核对30分钟内完成95%（为假设）。已报道的比例：国内30.3%-72.2%，英国"
                  "66.3%（已发表的医院审计）。",
    "out-of-region-falling": "逐次重复将每年与上一年比较（公共随机数）；规划期只有一年时不适用。",
    "occupancy-85": "来自一项模拟研究的规划参考，并非正式标准（Bain et al., MJA 2010;192:42）。统一的"
                    "85%在小机构比在大机构转出更多产妇（de Bruin et al., Ann Oper Res 2010;178:23）。",
    "cots-per-1000-births": "规划参考，并非国家标准：对38,700例出生测得的区域平均需求（各单位联网运转时每"
                            "千例出生1.0张高依赖床位）。统一比例对小单位配置不足：年出生1,000例的单位每千例"
                            "需9.0张低依赖床位，年出生6,000例的单位需4.5张。未找到国内每千例出生的数字；"
                            "2017年国家指南（危重孕产妇和危重新生儿救治中心建设与管理指南，国卫办妇幼发〔2017〕"
                            "40号）要求市级和县级至少各有一个危重新生儿救治中心。仅对有新生儿救治的方案判定。",
    "intensive-cots-per-1000-births": "规划参考，并非国家标准：英格兰一个地区一年内测得的需求，为最低估计。"
                                      "仅对有新生儿救治的方案判定。",
    "no-bed-1pct": "规划选择，并非已发表的标准：规划者据以测算机构规模的阻塞概率。",
    "midwife-15-min": "规划选择，并非已发表的标准：15分钟等待和95%比例均为假设。",
}

#: Sources of the packaged catalogue that are capsim's own planning defaults, in Chinese, by
#: standard id (a published document keeps its own title).
CATALOGUE_SOURCE_ZH: dict[str, str] = {
    "no-bed-1pct": "capsim 规划默认值，Erlang 损失模型的服务水平（de Bruin et al., Ann Oper Res "
                   "2010;178:23）",
    "midwife-15-min": "capsim 规划默认值，临产活跃期一对一助产照护（RCOG/RCM Safer Childbirth 2007）",
}

#: Why a check row has no verdict or how it was judged (`capsim.targets.check`), English
#: pattern and its Chinese, for `check_note_zh`.
CHECK_NOTES_ZH: tuple[tuple[str, str], ...] = (
    (r"(\d+) is outside the horizon \((\d+)-(\d+)\)", r"\1年不在规划期内（\2-\3年）"),
    (r"the scenario sets pathway\.(\w+) = (\S+); the standard is measured at (\S+)",
     r"方案设定 pathway.\1 = \2，而该标准按 \3 计量"),
    (r"no planned deliveries: no woman books here", "无计划分娩：没有产妇在此建册"),
    (r"no beds here", "本机构无床位"),
    (r"no data in the simulation \(nothing to measure here\)", "模拟中没有数据（此处无可计量）"),
    (r"no data in the simulation", "模拟中没有数据"),
    (r"one replication: no interval", "仅一次重复：没有置信区间"),
    (r"a year-on-year target needs the year before in the horizon \(not applicable on a "
     r"one-year horizon\)", "逐年目标需要规划期内有上一年（规划期只有一年时不适用）"),
    (r"zero in (\d+) and (\d+) in every replication: nothing to fall",
     r"\1年和\2年每次重复均为零：无从下降"),
    (r"change from (\d+): (\S+) -> (\S+), paired over (\d+) replications",
     r"较\1年变化：\2 -> \3，按\4次重复配对"),
    (r"compared rounded to (\d+) decimals", r"四舍五入到\1位小数后比较"),
    (r"no value", "无数值"),
)


def check_note_zh(note: str) -> str:
    """The note of a check row (`capsim.targets.check`) in Chinese: each known part
    replaced by its Chinese (`CHECK_NOTES_ZH`), parts joined by "；"; a part it does not know
    stays as it is."""
    import re

    for pattern, zh in CHECK_NOTES_ZH:
        note = re.sub(pattern, zh, note)
    return note.replace("; ", "；")


#: The reasons of a scenario error (`capsim.errors.ScenarioError`) in Chinese: capsim's own
#: words for a missing file, a missing or unknown field, and the messages pydantic gives for a
#: value of the wrong type or out of range, English pattern and its Chinese, for
#: `error_reason_zh`. A reason none of them matches (a validator's own sentence) stays English.
ERROR_REASONS_ZH: tuple[tuple[str, str], ...] = (
    (r"^file not found$", "文件不存在"),
    (r"^is a folder, not a file$", "是文件夹，不是文件"),
    (r"^the file must hold a mapping of fields \(key: value\)$",
     "文件内容必须是字段映射（键: 值）"),
    (r"^required field is missing$", "缺少必填字段"),
    (r"^unknown field (.+?); did you mean (.+)\?$", r"未知字段 \1；是否应为 \2？"),
    (r"^unknown field (.+?); allowed: (.+)$", r"未知字段 \1；可用字段：\2"),
    (r"^unknown field (.+)$", r"未知字段 \1"),
    (r"^Input should be a valid integer(, unable to parse string as an integer)?", "应为整数"),
    (r"^Input should be a valid number(, unable to parse string as a number)?", "应为数字"),
    (r"^Input should be a finite number", "应为有限数值"),
    (r"^Input should be a valid string", "应为文本"),
    (r"^Input should be a valid boolean(, unable to interpret input)?", "应为 true 或 false"),
    (r"^Input should be a valid date(.*?)(?= \(got |$)", "应为有效日期（YYYY-MM-DD）"),
    (r"^Input should be a valid (list|tuple|array)", "应为列表"),
    (r"^Input should be a valid dictionary", "应为映射（键: 值）"),
    (r"^Input should be greater than or equal to (\S+)", r"应大于或等于 \1"),
    (r"^Input should be greater than (\S+)", r"应大于 \1"),
    (r"^Input should be less than or equal to (\S+)", r"应小于或等于 \1"),
    (r"^Input should be less than (\S+)", r"应小于 \1"),
    (r"^Input should be (.+?)(?= \(got |$)", r"应为 \1"),
    (r"(?<=^应为 )(.+)' or '", r"\1' 或 '"),
    (r"^(Tuple|List) should have at least (\d+) items? after validation, not (\d+)",
     r"至少应有 \2 项，实际为 \3 项"),
    (r"^(Tuple|List) should have at most (\d+) items? after validation, not (\d+)",
     r"至多应有 \2 项，实际为 \3 项"),
    (r"^String should have at most (\d+) characters?", r"至多应有 \1 个字符"),
    (r"^String should match pattern (.+?)(?= \(got |$)", r"应符合格式 \1"),
    (r"^(.+) covers (\S+) and the baseline (.+) covers (\S+): no year in common to compare; "
     r"give the variant the baseline's horizon$",
     r"\1 覆盖 \2 年，基线方案 \3 覆盖 \4 年：没有可比较的共同年份；请让比较方案与基线方案的规划期一致"),
    (r"^import: --template writes the template only; give no table$",
     "import：--template 只写出模板，请不要同时给出机构表"),
    (r"^import: give a TABLE and --out SCENARIO\.yaml \(or --template DIR\)$",
     "import：请给出机构表 TABLE 和 --out SCENARIO.yaml（或 --template DIR）"),
    (r"^import: --start-year must be from (\d+) to (\d+), got (.+)$",
     r"import：--start-year 应在 \1 至 \2 之间，实际为 \3"),
    (r"^(.+): not a results folder of capsim run \(no scenario copy\); run `capsim run "
     r"SCENARIO --out DIR` first$",
     r"\1：不是 capsim run 写出的结果文件夹（其中没有方案副本）；请先运行 "
     r"`capsim run SCENARIO --out DIR`"),
    (r"a list of (\d+) items", r"含 \1 项的列表"),
    (r" \(got (.+)\)$", r"（实际为 \1）"),
)


def error_reason_zh(reason: str) -> str:
    """The reason of a scenario error in Chinese where `ERROR_REASONS_ZH` knows it; else
    as it is (English)."""
    import re

    for pattern, zh in ERROR_REASONS_ZH:
        reason = re.sub(pattern, zh, reason)
    return reason
