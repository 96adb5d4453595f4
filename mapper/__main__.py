"""``python -m mapper``: the same as the ``mapper`` command."""

from mapper.cli import main

if __name__ == "__main__":
    main()
