"""KMS's and EFS's typed reads: a key's state, and an EFS file system's mount targets."""

from __future__ import annotations

from dataclasses import dataclass

from lambda_wait.evidence.services import EFS, KMS, ServiceReads, listed


@dataclass(frozen=True)
class Key:
    key_id: str
    state: str | None  # Enabled, Disabled, PendingDeletion, ...
    deletion_date: str | None


class KmsReads(ServiceReads):
    """DescribeKey."""

    service = KMS

    def key(self, key_id: str) -> Key:
        meta = self._call("describe_key", KeyId=key_id).get("KeyMetadata") or {}
        deletion = meta.get("DeletionDate")
        return Key(
            str(meta.get("KeyId") or key_id),
            meta.get("KeyState"),
            None if deletion is None else str(deletion),
        )


class EfsReads(ServiceReads):
    """DescribeMountTargets."""

    service = EFS

    def mount_target_zones(self, access_point_arn: str) -> list[tuple[str, str | None]]:
        """(subnet, Availability Zone) of each mount target of the access point's file
        system."""
        points = self._call(
            "describe_access_points", AccessPointId=access_point_arn.rsplit("/", 1)[-1]
        )
        system = next((p.get("FileSystemId") for p in listed(points, "AccessPoints")), None)
        if not system:
            return []
        targets = self._call("describe_mount_targets", FileSystemId=str(system))
        return [
            (str(t.get("SubnetId")), t.get("AvailabilityZoneName"))
            for t in listed(targets, "MountTargets")
        ]
