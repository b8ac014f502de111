"""`flask create-user`: planner and admin accounts."""
import sys

import click
from flask.cli import with_appcontext

from ..core.errors import MapappError
from ..store import users as user_store
from ..store.db import session_factory
from .messages import refused


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(user_store.ROLES), required=True, help="planner or admin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@with_appcontext
def create_user_command(username, role, password_stdin):
    """Create a planner or admin account.

    Example: flask --app mapapp create-user anna --role planner
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True,
                                default="", show_default=False)
    with session_factory()() as db_session:
        try:
            user = user_store.create_user(db_session, username, password, role)
        except MapappError as err:
            raise refused(err.message) from None
    click.echo(f"created {user['role']} '{user['username']}'")
