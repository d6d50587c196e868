"""migflow.load on damaged result files: a ValueError naming the damage, never a crash."""
import os
import unittest

import migflow

from support import cli_run, scenario, temp_dir


class DamagedFile(unittest.TestCase):
    def test_every_flipped_byte_is_an_error_or_a_good_read(self):
        d = temp_dir(self)
        good = cli_run(scenario("tiny.yaml"), d)
        reference = migflow.load(good)
        data = open(good, "rb").read()
        reported = 0
        offsets = [k * (len(data) - 1) // 59 for k in range(60)]
        for at in offsets:
            bad = bytearray(data)
            bad[at] ^= 0x5A
            path = os.path.join(d, f"d{at}.h5")
            with open(path, "wb") as f:
                f.write(bad)
            try:
                ds = migflow.load(path)
            except ValueError as e:
                # A flip in the seal's first bytes leaves no seal: "cannot read as a migflow result".
                self.assertRegex(str(e), "damaged result file|cannot read as a migflow result")
                reported += 1
                continue
            # Read despite the flip: only the seal's padding may change, so the data are intact.
            self.assertTrue(ds.equals(reference), f"byte {at} changed the data without an error")
        self.assertGreaterEqual(reported, 57)


if __name__ == "__main__":
    unittest.main()
