"""``mapper serve``: the live preview and map editor of a folder of scenarios (``mapper.serve``)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("target", required=False, default=".", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free one).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but this machine's loopback prints a warning.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the index in the default browser.")
def serve(target: Path, port: int, host: str, open_browser: bool) -> None:
    """Serve the scenarios of TARGET (a folder, default '.', or one file): an index, each one's live map,
    comparison and analysis; maps update when a file is saved, and forces and hubs can be edited on the map
    (written back into the YAML). See docs/serve.md."""
    from mapper.cli import _echo
    from mapper.serve import serve as run

    run(target, host=host, port=port, open_browser=open_browser, announce=_echo)


def command() -> click.Command:
    """The command, for ``mapper.cli`` to register."""
    return serve
