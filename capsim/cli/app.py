"""``capsim app SCENARIO``: the what-if page in the browser, served from this machine only."""

from __future__ import annotations

import argparse
import socket

from capsim.cli import COMMANDS
from capsim.cli.common import non_negative_int, positive_int
from capsim.errors import CapsimError

#: The only address the page is served on: nothing of it is reachable from another machine.
HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(sub: argparse._SubParsersAction) -> None:
    """Add the app command."""
    p = sub.add_parser(
        "app", help=COMMANDS["app"],
        description="Serve a what-if page for a scenario on 127.0.0.1: change beds, staff, "
        "theatres and deliveries per facility and year, births growth, caesarean rates and "
        "the referral rule, and see within seconds the verdicts, the differences from the "
        "baseline with 95% intervals (common random numbers), occupancy, the flow map and "
        "what sizing says is needed. Save the what-if as a file that extends the scenario, "
        "and download the report. Needs the app extra: pip install 'capsim[app]'.")
    p.add_argument("scenario", help="scenario file (YAML or TOML): the baseline")
    p.add_argument("--port", type=non_negative_int, default=DEFAULT_PORT,
                   help=f"port on 127.0.0.1 (default: {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language the page opens in (it has a toggle)")
    p.add_argument("--replications", type=positive_int, default=None, metavar="N",
                   help="replications of the baseline and of each what-if (default: the "
                   "scenario's)")
    p.add_argument("--save-dir", default=None, metavar="FOLDER",
                   help="folder \"save this scenario\" writes to (default: the scenario's)")
    p.add_argument("--no-browser", action="store_true",
                   help="do not open the page in the browser")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate the scenario, compile the engine, serve the page until Ctrl-C; return 0."""
    try:
        from shiny._main import run_app  # the public shiny.run_app, typed
    except ImportError:
        raise CapsimError("capsim app needs Shiny for Python: pip install 'capsim[app]'"
                          ) from None
    from capsim.app import build_app
    from capsim.i18n import t
    from capsim.run import ready_engine

    app = build_app(args.scenario, lang=args.lang, replications=args.replications,
                    save_dir=args.save_dir)
    port = args.port or free_port()
    check_port(port)
    ready_engine()
    print(t("app_serving", args.lang, url=f"http://{HOST}:{port}/"), flush=True)
    run_app(app, host=HOST, port=port, launch_browser=not args.no_browser,
                  log_level="warning")
    return 0


def free_port() -> int:
    """A port on 127.0.0.1 no program listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def check_port(port: int) -> None:
    """Raise CapsimError when ``port`` on 127.0.0.1 cannot be listened on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError as exc:
            raise CapsimError(f"--port {port}: cannot listen on {HOST}:{port} "
                              f"({exc.strerror}); give another port") from None
