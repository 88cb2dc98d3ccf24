"""`python -m cxokr` runs the command line."""

from cxokr.launch import main

if __name__ == "__main__":
    main()
