"""How a command says no: click's "Error: …" line, one printable line whatever it quotes."""
import click

from ..core.errors import one_line


def refused(message) -> click.ClickException:
    """click's error for a message that may quote a file name or an input (a line break in it is shown, not kept)."""
    return click.ClickException(one_line(message))
