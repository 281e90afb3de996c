"""``capsim import TABLE --out SCENARIO.yaml``: a facility table (CSV or Excel) turned into a
scenario file; ``capsim import --template DIR`` writes the bilingual template to fill in."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from capsim.cli import COMMANDS
from capsim.cli.common import add_lang_option
from capsim.errors import CapsimError
from capsim.i18n import t as label

TEMPLATE_NAME = "facility-table"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the import command."""
    p = sub.add_parser(
        "import", help=COMMANDS["import"],
        description="Turn a facility table, one row per facility (id, name, level, ward beds, "
        "delivery beds, midwives or midwives on duty by shift, obstetricians, theatres, "
        "capabilities, caesarean rate, deliveries, coordinates; headers in English or "
        "Chinese), into a scenario file whose every value names its table row. Every bad "
        "cell is refused with its row, column and reason. --template DIR writes the table "
        "to fill in, as .xlsx and .csv.")
    p.add_argument("table", nargs="?", help="facility table (.csv in UTF-8, or .xlsx)")
    p.add_argument("--out", help="scenario file to write (YAML)")
    p.add_argument("--name", help="scenario name (default: the table's file name)")
    p.add_argument("--start-year", type=int, default=None,
                   help="first simulated calendar year (default: next year)")
    p.add_argument("--template", metavar="DIR",
                   help="write the bilingual template (facility-table.xlsx and .csv) to DIR")
    add_lang_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the template, or read the table and write the scenario; print what was written."""
    from capsim import limits
    from capsim.output import check_out_file, write_text

    if args.template:
        if args.table or args.out:
            raise CapsimError("import: --template writes the template only; give no table")
        for path in write_template(Path(args.template)):
            print(label("wrote_file", args.lang, path=path))
        return 0
    if not args.table or not args.out:
        raise CapsimError("import: give a TABLE and --out SCENARIO.yaml (or --template DIR)")
    start = date.today().year + 1 if args.start_year is None else args.start_year
    if not limits.FIRST_YEAR <= start <= limits.LAST_YEAR - 1:
        raise CapsimError(f"import: --start-year must be from {limits.FIRST_YEAR} to "
                          f"{limits.LAST_YEAR - 1}, got {start}")
    from capsim.scenario.facility_table import read_facility_table, scenario_text

    check_out_file(args.out)
    rows = read_facility_table(args.table)
    name = args.name or Path(args.table).stem
    text = scenario_text(rows, name, args.table, start)
    write_text(args.out, text)
    print(label("import_done", args.lang, out=args.out, n=len(rows), table=args.table))
    return 0


def write_template(folder: Path) -> list[Path]:
    """Write the template as .xlsx (the table and a sheet of notes) and .csv (the table) in
    ``folder``; return the paths."""
    import csv
    import io

    from capsim.output import check_out_dir, write_text
    from capsim.scenario.facility_table import template_sheets
    from capsim.tables import write_xlsx

    check_out_dir(folder)
    sheets = template_sheets()
    xlsx = write_xlsx(folder / f"{TEMPLATE_NAME}.xlsx", sheets)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(sheets[0][1])
    # With a byte-order mark, a spreadsheet opens the Chinese headers as UTF-8.
    csv_path = write_text(folder / f"{TEMPLATE_NAME}.csv", "\ufeff" + text.getvalue())
    return [xlsx, csv_path]
