"""`python -m cxokr` runs the command line."""

from cxokr.cli import main

if __name__ == "__main__":
    main()
