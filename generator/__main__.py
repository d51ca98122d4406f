import os
import sys

from .cli import QUICK_EXIT, main

code = main()
if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)
sys.exit(code)
