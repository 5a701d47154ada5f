"""The actions Lambda needs its execution role to allow for a configuration. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

VPC_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def needed_actions(config: Mapping[str, Any]) -> list[str]:
    """What the role must allow for ``config`` (a FunctionConfiguration): the VPC's
    network interfaces, the dead-letter target, the KMS key, the image, EFS; logging
    when nothing else applies."""
    actions: list[str] = []
    if (config.get("VpcConfig") or {}).get("SubnetIds"):
        actions += VPC_ACTIONS
    target = str((config.get("DeadLetterConfig") or {}).get("TargetArn") or "")
    if target.startswith("arn:aws:sqs:"):
        actions.append("sqs:SendMessage")
    elif target.startswith("arn:aws:sns:"):
        actions.append("sns:Publish")
    if config.get("KMSKeyArn"):
        actions.append("kms:Decrypt")
    if config.get("PackageType") == "Image":
        actions += ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    if config.get("FileSystemConfigs"):
        actions.append("elasticfilesystem:ClientMount")
    return actions or list(LOG_ACTIONS)
