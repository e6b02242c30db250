"""The settings' rules and the PUT body: routertop's validator, message for message."""

import json
import unittest

from routertop_ray import settings as rules
from routertop_ray.errors import ApiError


def body(**values: object) -> bytes:
    return json.dumps(values).encode()


class SettingsRulesTests(unittest.TestCase):
    def refusal(self, raw: bytes) -> str:
        with self.assertRaises(ApiError) as caught:
            rules.apply_patch(raw, rules.default_settings())
        self.assertEqual(caught.exception.status, 400)
        return caught.exception.message

    def test_a_partial_body_changes_only_its_keys(self) -> None:
        new = rules.apply_patch(body(initial_backoff_s=0.15, backoff_multiplier=1, max_backoff_s=0.15),
                                rules.default_settings())
        self.assertEqual(new["initial_backoff_s"], 0.15)
        self.assertEqual(new["backoff_multiplier"], 1.0)
        self.assertEqual(new["probe_deadline_s"], 0.1)

    def test_max_below_initial_is_refused_with_routertops_words(self) -> None:
        self.assertEqual(self.refusal(body(max_backoff_s=0.01)),
                         "max_backoff_s=0.01 is below the initial backoff 0.025; it must be at least the initial backoff")

    def test_each_rule_names_the_key_and_what_is_allowed(self) -> None:
        self.assertEqual(self.refusal(body(backoff_multiplier=0.5)),
                         "backoff_multiplier=0.5 is below 1; it must be a finite number ≥ 1")
        self.assertEqual(self.refusal(body(initial_backoff_s=-1)),
                         "initial_backoff_s=-1 is negative; it must be a finite number ≥ 0")
        self.assertEqual(self.refusal(body(probe_deadline_s=0)),
                         "probe_deadline_s=0 is zero; it must be a finite number > 0")
        self.assertEqual(self.refusal(b'{"cache_timeout_s": 1e400}'),
                         "cache_timeout_s=inf is not finite; it must be a finite number ≥ 0")

    def test_unknown_keys_and_non_numbers_are_refused_by_name(self) -> None:
        self.assertTrue(self.refusal(body(initial_backof_s=1)).startswith('unknown field "initial_backof_s"; the fields are'))
        self.assertEqual(self.refusal(body(initial_backoff_s="0.1")), "initial_backoff_s must be a number, not a string")
        self.assertEqual(self.refusal(body(initial_backoff_s=True)), "initial_backoff_s must be a number, not a boolean")
        self.assertEqual(self.refusal(b"[1]"), "the body must be a JSON object")
        self.assertTrue(self.refusal(b"{}").startswith("the body names no setting; give any of initial_backoff_s"))

    def test_non_finite_json_constants_are_not_json(self) -> None:
        for constant in (b"NaN", b"Infinity", b"-Infinity"):
            message = self.refusal(b'{"initial_backoff_s": ' + constant + b"}")
            self.assertTrue(message.startswith("the body is not valid JSON"), message)

    def test_an_oversized_body_is_refused(self) -> None:
        self.assertEqual(self.refusal(b" " * (rules.MAX_BODY_BYTES + 1)),
                         f"the body is {rules.MAX_BODY_BYTES + 1} bytes; it must be at most {rules.MAX_BODY_BYTES}")

    def test_the_model_matching_timeout_is_fixed_on_ray(self) -> None:
        self.assertIn("cannot be changed on a Ray Serve router", self.refusal(body(model_matching_timeout_s=2)))
        unchanged = rules.apply_patch(body(model_matching_timeout_s=1.0), rules.default_settings())
        self.assertEqual(unchanged["model_matching_timeout_s"], 1.0)

    def test_numbers_print_as_routertop_prints_them(self) -> None:
        self.assertEqual([rules.format_number(v) for v in (2.0, 0.025, 0.5, 1e-5)], ["2", "0.025", "0.5", "1e-05"])

    def test_the_summary_lists_what_changed(self) -> None:
        after = dict(rules.default_settings(), initial_backoff_s=0.01)
        self.assertEqual(rules.summary(rules.default_settings(), after), "initial backoff (s) 0.025 → 0.01")


if __name__ == "__main__":
    unittest.main()
