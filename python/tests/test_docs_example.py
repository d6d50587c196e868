"""The worked example of docs/PYTHON.md runs as written and shows a sensitivity: it is
the documentation's promise that 20 lines do a 3-parameter study."""
import contextlib
import io
import os
import re
import unittest

import support


def example_code():
    with open(os.path.join(support.SOURCE, "docs", "PYTHON.md"), encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("## Worked example"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


class DocsExample(unittest.TestCase):
    def test_worked_example_runs_and_is_short(self):
        code = example_code()
        self.assertLess(len(code.strip().splitlines()), 20)
        out = io.StringIO()
        cwd = os.getcwd()
        os.chdir(support.SOURCE)
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, "docs/PYTHON.md", "exec"), {})
        finally:
            os.chdir(cwd)
        spreads = re.findall(r"^(\w+)\s+peak camp\s+(\d+) \.\.\s+(\d+) people$", out.getvalue(), re.M)
        self.assertEqual([s[0] for s in spreads], ["lambda_conflict", "beta_camp", "speed"])
        for name, low, high in spreads:
            self.assertGreater(int(high), 0, name)
            self.assertLessEqual(int(low), int(high), name)
        # lambda_conflict sets how many leave at all: its spread must be real.
        self.assertLess(int(spreads[0][1]), int(spreads[0][2]))


if __name__ == "__main__":
    unittest.main()
