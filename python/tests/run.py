"""Runs the Python client's tests and ends with one plain line: ``N passed, N failed``.

    python3 python/tests/run.py            # from the repository root (after npm install)

The tests start ``dialogym serve`` on loopback themselves. .ci/run runs this after ``npm test``
(with Debian's python3-websockets) and adds the counts to the TypeScript suite's.
"""

from __future__ import annotations

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class _Counting(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0
        self.subtest_failures = 0

    def addSuccess(self, test):  # noqa: N802 - unittest's name
        super().addSuccess(test)
        self.passed += 1


def main() -> int:
    try:
        import websockets  # noqa: F401
    except ImportError:
        print("the Python client needs the websockets package (Debian: apt-get install python3-websockets)", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    runner = unittest.TextTestRunner(verbosity=2, resultclass=_Counting, stream=sys.stdout)
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.passed  # type: ignore[attr-defined]
    if passed + failed == 0:
        failed = 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
