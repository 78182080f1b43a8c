#!/usr/bin/env python
import sys

from linli.cli import _manage

if __name__ == "__main__":
    _manage(sys.argv[1:])
