"""The plan: field-by-field differences, secrets masked (pure)."""

from __future__ import annotations

from lambda_wait.deploy.plan import MASK, code_change, config_changes, make_plan, matches
from lambda_wait.deploy.source import CodeSource
from lambda_wait.deploy.spec import DesiredFunction

CURRENT = {
    "FunctionName": "fn",
    "CodeSha256": "abc=",
    "PackageType": "Zip",
    "MemorySize": 128,
    "Timeout": 3,
    "Description": "",
    "Environment": {"Variables": {"KEEP": "same-secret", "CHANGE": "old-secret", "GONE": "x"}},
    "Layers": [{"Arn": "arn:layer:1", "CodeSize": 10}],
    "VpcConfig": {"SubnetIds": ["s-2", "s-1"], "SecurityGroupIds": ["sg-1"], "VpcId": "vpc-1"},
    "LoggingConfig": {"LogFormat": "Text", "LogGroup": "/aws/lambda/fn"},
    "Architectures": ["x86_64"],
}


def zip_source(sha: str = "abc=") -> CodeSource:
    return CodeSource("zip-file", "fn.zip", zip_bytes=b"z", sha256=sha)


def test_unchanged_fields_match_despite_shape_differences() -> None:
    desired = {
        "MemorySize": 128,
        "Description": "",
        "Layers": ["arn:layer:1"],
        "VpcConfig": {"SubnetIds": ["s-1", "s-2"], "SecurityGroupIds": ["sg-1"]},
        "LoggingConfig": {"LogFormat": "Text"},
    }
    update, changes = config_changes(desired, CURRENT)
    assert update == {} and changes == []


def test_environment_changes_are_masked_per_name() -> None:
    desired = {
        "Environment": {"Variables": {"KEEP": "same-secret", "CHANGE": "new-secret", "NEW": "n-s"}}
    }
    update, changes = config_changes(desired, CURRENT)
    assert update == desired
    shown = {c.field: (c.old, c.new) for c in changes}
    assert shown == {
        "Environment.Variables.CHANGE": (MASK, MASK),
        "Environment.Variables.GONE": (MASK, None),
        "Environment.Variables.NEW": (None, MASK),
    }
    text = " ".join(c.line() for c in changes) + repr(changes)
    for secret in ("same-secret", "old-secret", "new-secret", "n-s"):
        assert secret not in text


def test_only_differing_fields_are_sent() -> None:
    update, changes = config_changes({"MemorySize": 256, "Timeout": 3}, CURRENT)
    assert update == {"MemorySize": 256}
    assert [c.line() for c in changes] == ["MemorySize: 128 -> 256"]


def test_layer_order_matters_but_subnet_order_does_not() -> None:
    assert not matches(["b", "a"], ["a", "b"], "Layers")
    assert matches(["b", "a"], ["a", "b"], "SubnetIds")


def test_code_change_by_sha_and_force() -> None:
    assert not code_change(zip_source(), CURRENT).update
    assert code_change(zip_source("new="), CURRENT).update
    assert code_change(zip_source(), CURRENT, force=True).update
    assert code_change(zip_source(), CURRENT, architectures=("arm64",)).update


def test_image_by_digest_is_compared_by_tag_always_updated() -> None:
    current = {**CURRENT, "PackageType": "Image"}
    digest = "1.dkr.ecr.us-east-1.amazonaws.com/r@sha256:" + "a" * 64
    image = CodeSource("image", digest, image_uri=digest)
    assert not code_change(image, current, current_image_uri=digest).update
    tagged = CodeSource("image", "r:latest", image_uri="r:latest")
    assert code_change(tagged, current, current_image_uri="r:latest").update


def test_plan_for_create_and_alias_implies_publish() -> None:
    desired = DesiredFunction("fn", zip_source(), {"MemorySize": 256}, {"Tags": {"a": "b"}}, False)
    plan = make_plan(desired, None, alias="live")
    assert plan.action == "create" and plan.publish and plan.changes_anything
    update_plan = make_plan(desired, CURRENT)
    assert update_plan.ignored_on_update == ("Tags",)
    assert "MemorySize: 128 -> 256" in "\n".join(update_plan.lines())
