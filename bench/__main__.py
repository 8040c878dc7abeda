"""`python -m bench`: build a synthetic national dataset in a temporary database and print the figures."""

from bench.national import main

if __name__ == "__main__":
    raise SystemExit(main())
