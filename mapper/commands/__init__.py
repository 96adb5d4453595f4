"""Commands of the ``mapper`` CLI that live outside ``mapper/cli.py`` (which keeps the group, the shared options
and the error handling): each module holds one thin click command that parses options and calls one library
function, and ``mapper.cli`` registers it with ``cli.add_command``."""
