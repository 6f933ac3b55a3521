"""Resolve a workload name to its pods by the rules Kubernetes uses to name pods.

Kepler's per-pod series carry the pod name and namespace but not the pod's owner. Kubernetes
controllers name their pods deterministically, so the owner can be recovered from the name:

=========================  ====================================================================
Controller ``w``           Pod names
=========================  ====================================================================
Deployment                 ``w-<pod-template-hash>-<suffix>`` (through ReplicaSet ``w-<hash>``)
StatefulSet                ``w-0``, ``w-1``, ... (``w-<ordinal>``)
DaemonSet                  ``w-<suffix>``
Job                        ``w-<suffix>``; an indexed Job ``w-<index>-<suffix>``
CronJob                    ``w-<scheduled minute>-<suffix>`` (through Job ``w-<minute>``)
ReplicaSet (bare)          ``w-<suffix>``
Pod (bare)                 ``w``
=========================  ====================================================================

where ``<suffix>`` is exactly 5 characters of :data:`GENERATED_NAME_ALPHABET` (``utilrand.String(5)``),
``<pod-template-hash>`` is ``rand.SafeEncodeString`` of the decimal form of a 32-bit FNV hash (same
alphabet), ``<ordinal>`` and ``<index>`` are decimal numbers and ``<scheduled minute>`` is the
scheduled time in minutes since the Unix epoch. Only a plausible schedule time counts: from 2016 (CronJobs,
then ScheduledJobs, arrived in Kubernetes 1.4) to 2100, i.e. 24 193 440 to 68 374 080. A longer number such as
``3451736609`` (year 8533) is no CronJob's; nor, at 8 digits or more, a completion index.

The alphabet has no vowels and no ``0``, ``1`` or ``3``. That is what keeps the matching tight:
``web`` never claims ``web-app-7d9f8c6b5-x2b4k`` because ``app`` cannot be a hash, and ``api``
never claims ``api-gateway-...``. Nothing here is a prefix match.

Deliberate choices, each documented where it applies:

* A pod-template-hash must be 6-10 characters, not 1-10. A shorter hash needs an FNV value below
  100 000 (probability 2·10⁻⁵), while short vowel-less name parts (``db``, ``dns``, ``grpc``,
  ``v2``) are common; accepting them would let ``api`` claim the pods of a Job ``api-grpc``.
* A middle segment made only of digits is read as a number before it is read as a hash: below 8
  digits it is a Job completion index, at 8 digits in the plausible range a CronJob schedule time.
* Job, DaemonSet and bare ReplicaSet pods are named alike (``w-<suffix>``). From names alone they
  are reported as ``Job``, or as ``ReplicaSet`` when ``w`` itself looks like a Deployment's
  ReplicaSet (``<name>-<pod-template-hash>``); one running pod on each node makes them a DaemonSet
  (:func:`looks_like_daemonset`). Owner metadata resolves this properly.

Every resolution states its confidence (:data:`Confidence`): ``high`` for owner metadata, an exact pod
name, a Deployment's hash-and-suffix or a plausible CronJob schedule; ``medium`` for a StatefulSet ordinal
or a completion index (a bare pod ``cache-0`` reads alike); ``low`` for ``w-<suffix>`` (Job, DaemonSet or
ReplicaSet by a guess).

Everything here is a pure function of the names it is given.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, NoReturn

from carbon_kepler_mcp.domain.names import is_object_name, safe_repr, validate_namespace, validate_object_name
from carbon_kepler_mcp.errors import AmbiguousWorkloadError, UnknownWorkloadError

__all__ = [
    "GENERATED_NAME_ALPHABET",
    "MAX_SCHEDULE_MINUTE",
    "MIN_SCHEDULE_MINUTE",
    "Confidence",
    "ResolvedWorkload",
    "WorkloadKind",
    "WorkloadRef",
    "daemonset_confidence",
    "group_by_workload",
    "infer_owner",
    "looks_like_daemonset",
    "match_kind",
    "resolve_workload",
]

WorkloadKind = Literal["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"]
ResolutionMethod = Literal["exact-pod", "naming-rules", "owner-metadata"]
Confidence = Literal["high", "medium", "low"]

GENERATED_NAME_ALPHABET: Final = "bcdfghjklmnpqrstvwxz2456789"
"""The alphabet of Kubernetes' ``rand.String`` and ``rand.SafeEncodeString``: no vowels, no 0/1/3."""

_CHARS = f"[{GENERATED_NAME_ALPHABET}]"
_SUFFIX_RE = re.compile(f"{_CHARS}{{5}}")
"""The random suffix of a generated pod name (``utilrand.String(5)``)."""
_HASH_RE = re.compile(f"{_CHARS}{{6,10}}")
"""A pod-template-hash, at least 6 characters long (see the module docstring)."""
_ORDINAL_RE = re.compile(r"0|[1-9][0-9]{0,9}")
"""A StatefulSet ordinal (an int32, so at most 10 digits)."""
_INDEX_RE = re.compile(r"0|[1-9][0-9]{0,6}")
"""A Job completion index: a number of fewer than 8 digits (8 digits may be a CronJob schedule time)."""
_SCHEDULE_RE = re.compile(r"[1-9][0-9]{7}")
"""A CronJob's scheduled time in minutes since the epoch: 8 digits (see :func:`_is_schedule` for the range)."""
MIN_SCHEDULE_MINUTE: Final = 24_193_440
"""2016-01-01T00:00Z in minutes since the epoch (1451606400 / 60): no CronJob ran before Kubernetes 1.4."""
MAX_SCHEDULE_MINUTE: Final = 68_374_080
"""2100-01-01T00:00Z in minutes since the epoch (4102444800 / 60)."""


def _is_schedule(text: str) -> bool:
    """Whether ``text`` is a plausible CronJob schedule time (minutes since the epoch, 2016 to 2100)."""
    return bool(_SCHEDULE_RE.fullmatch(text)) and MIN_SCHEDULE_MINUTE <= int(text) <= MAX_SCHEDULE_MINUTE


_MAX_SUGGESTIONS = 5
_MAX_PODS_SHOWN = 3

_Rule = Literal["pod", "cronjob", "indexed-job", "deployment", "generated", "statefulset"]

_RULE_ORDER: Final[tuple[_Rule, ...]] = ("pod", "cronjob", "indexed-job", "deployment", "generated", "statefulset")
"""Most specific first. Only these overlap: an all-digit middle segment made of alphabet digits
(cronjob or indexed-job before deployment) and a 5-character all-digit tail such as ``24567``
(generated before statefulset: no StatefulSet has 22 222 replicas)."""

_RULE_PATTERN: Final[dict[_Rule, str]] = {
    "pod": "<name>",
    "cronjob": "<name>-<scheduled minute>-<5 random characters>",
    "indexed-job": "<name>-<completion index>-<5 random characters>",
    "deployment": "<name>-<pod-template-hash>-<5 random characters>",
    "generated": "<name>-<5 random characters>",
    "statefulset": "<name>-<ordinal>",
}

_GENERATED_KINDS: Final[frozenset[WorkloadKind]] = frozenset({"Job", "DaemonSet", "ReplicaSet"})

_RULE_CONFIDENCE: Final[dict[_Rule, Confidence]] = {
    "pod": "high",
    "cronjob": "high",
    "deployment": "high",
    "indexed-job": "medium",
    "statefulset": "medium",
    "generated": "low",
}


@dataclass(frozen=True, slots=True)
class WorkloadRef:
    """A controller (or bare pod) by name and kind, e.g. ``WorkloadRef("web", "Deployment")``."""

    name: str
    kind: WorkloadKind


@dataclass(frozen=True, slots=True)
class ResolvedWorkload:
    """The pods a workload name stands for, and how they were found.

    ``method`` is ``"exact-pod"`` (the name is a pod's name), ``"naming-rules"`` (pods matched by
    the Kubernetes naming rules, an inference) or ``"owner-metadata"`` (pods attributed by owner
    references such as kube-state-metrics' ``kube_pod_owner``; pods the metadata did not cover
    may have been added by naming rules, which the note says). ``note`` explains the match in a
    sentence fit for the user.
    """

    name: str
    kind: WorkloadKind
    pods: tuple[str, ...]
    method: ResolutionMethod
    note: str
    confidence: Confidence = "high"
    """How sure the kind is (see the module docstring); the note ends with it for naming rules."""


def _generated_kind(name: str) -> WorkloadKind:
    """The kind reported for pods named ``<name>-<suffix>``: Job, or ReplicaSet if ``name`` looks like one."""
    base, sep, last = name.rpartition("-")
    if sep and base and _HASH_RE.fullmatch(last) and not last.isdigit():
        return "ReplicaSet"
    return "Job"


def _rule_kind(rule: _Rule, name: str) -> WorkloadKind:
    if rule == "pod":
        return "Pod"
    if rule == "cronjob":
        return "CronJob"
    if rule == "indexed-job":
        return "Job"
    if rule == "deployment":
        return "Deployment"
    if rule == "statefulset":
        return "StatefulSet"
    return _generated_kind(name)


def _rule_kinds(rule: _Rule, name: str) -> frozenset[WorkloadKind]:
    """Every kind a rule is compatible with (a generated suffix fits Job, DaemonSet and ReplicaSet)."""
    if rule == "generated":
        return _GENERATED_KINDS
    return frozenset({_rule_kind(rule, name)})


def _rule_label(rule: _Rule, name: str) -> str:
    if rule == "indexed-job":
        return "indexed Job"
    if rule == "generated" and _generated_kind(name) == "Job":
        return "Job (or DaemonSet)"
    return _rule_kind(rule, name)


def _rules_for(name: str, pod_name: str) -> frozenset[_Rule]:
    """Every naming rule under which ``pod_name`` is a pod of a controller named ``name``."""
    if pod_name == name:
        return frozenset({"pod"})
    if not pod_name.startswith(name + "-") or not is_object_name(name):
        return frozenset()
    tail = pod_name[len(name) + 1 :]
    middle, sep, last = tail.partition("-")
    rules: set[_Rule] = set()
    if not sep:
        if _SUFFIX_RE.fullmatch(tail):
            rules.add("generated")
        if _ORDINAL_RE.fullmatch(tail):
            rules.add("statefulset")
    elif _SUFFIX_RE.fullmatch(last):
        if _is_schedule(middle):
            rules.add("cronjob")
        if _INDEX_RE.fullmatch(middle):
            rules.add("indexed-job")
        if _HASH_RE.fullmatch(middle):
            rules.add("deployment")
    return frozenset(rules)


def _common_rules(rule_sets: Iterable[frozenset[_Rule]]) -> frozenset[_Rule]:
    """The rules shared by every set (empty if there are no sets)."""
    common: frozenset[_Rule] | None = None
    for rules in rule_sets:
        common = rules if common is None else common & rules
    return common if common is not None else frozenset()


def _split_off_indexed(
    rule_sets: Mapping[str, frozenset[_Rule]],
) -> tuple[dict[str, frozenset[_Rule]], dict[str, str]]:
    """Set aside ``x-<n>-<suffix>`` pods that only an indexed-Job reading ties to ``x``.

    ``rule_sets`` maps the pods matched to one name ``x`` to their rules. When they share no rule
    and some pods cannot be indexed-Job pods at all (``x-b4k5m``, ``x-0``, ``x-<hash>-...``), then
    ``x`` is not an indexed Job, and the pods whose readings do not fit the others are the pods
    of the Jobs ``x-<n>`` instead. Returns the remaining pods and the set-aside pods, each mapped
    to its Job's name ``x-<n>``.
    """
    if _common_rules(rule_sets.values()):
        return dict(rule_sets), {}
    not_indexed = {pod: rules for pod, rules in rule_sets.items() if "indexed-job" not in rules}
    if not not_indexed:
        return dict(rule_sets), {}
    shared = _common_rules(not_indexed.values())
    remaining = dict(not_indexed)
    moved: dict[str, str] = {}
    for pod, rules in rule_sets.items():
        if pod in not_indexed:
            continue
        if rules & shared:
            remaining[pod] = rules
        else:
            moved[pod] = pod.rpartition("-")[0]
    return remaining, moved


def _best_rule(rules: Collection[_Rule]) -> _Rule:
    return next(rule for rule in _RULE_ORDER if rule in rules)


def match_kind(workload_name: str, pod_name: str) -> WorkloadKind | None:
    """The kind of controller named ``workload_name`` that would have a pod named ``pod_name``.

    Returns ``None`` if no naming rule (see the module docstring) makes ``pod_name`` a pod of
    ``workload_name``; in particular there is no prefix matching: ``match_kind("web",
    "web-app-7d9f8c6b5-x2b4k")`` is ``None``. ``"Pod"`` means the two names are equal.

    Where a pod name fits several rules the most specific wins:

    1. ``<name>-<plausible schedule minute>-<suffix>``: CronJob (even if the digits could be a hash);
    2. ``<name>-<1-7 digits>-<suffix>``: Job (an indexed Job's pod);
    3. ``<name>-<hash>-<suffix>``: Deployment;
    4. ``<name>-<suffix>``: Job, DaemonSet or bare ReplicaSet, reported as ``Job``, or as
       ``ReplicaSet`` when ``workload_name`` looks like ``<deployment>-<hash>``;
    5. ``<name>-<ordinal>``: StatefulSet (a 5-character tail such as ``24567`` is read as 4).

    An invalid ``workload_name`` matches nothing but its own name.
    """
    rules = _rules_for(workload_name, pod_name)
    if not rules:
        return None
    return _rule_kind(_best_rule(rules), workload_name)


def infer_owner(pod_name: str) -> WorkloadRef:
    """The controller most likely to own ``pod_name``, judged from its name alone.

    Meant for grouping pods in listings; the first rule that fits wins:

    1. ``<a>-<plausible schedule minute>-<suffix>``: CronJob ``a``;
    2. ``<a>-<1-7 digits>-<suffix>``: indexed Job ``a`` (so ``worker-2-x2b4k`` is read as index 2
       of Job ``worker``, not as the pod of a Job ``worker-2``);
    3. ``<a>-<hash>-<suffix>``: Deployment ``a``;
    4. ``<a>-<suffix>``: Job ``a`` (or ReplicaSet, see :func:`match_kind`);
    5. ``<a>-<ordinal>``: StatefulSet ``a``;
    6. otherwise the pod itself, kind ``Pod``.

    The result always satisfies ``match_kind(ref.name, pod_name) == ref.kind``. It is a guess: a
    Job whose own name ends in ``-<number>`` is reported as an indexed Job of the shorter name,
    and a bare pod named like ``cache-0`` as a StatefulSet pod.
    """
    base, sep, last = pod_name.rpartition("-")
    if sep and is_object_name(base):
        owner, sep2, middle = base.rpartition("-")
        if sep2 and _SUFFIX_RE.fullmatch(last) and is_object_name(owner):
            if _is_schedule(middle):
                return WorkloadRef(owner, "CronJob")
            if _INDEX_RE.fullmatch(middle):
                return WorkloadRef(owner, "Job")
            if _HASH_RE.fullmatch(middle):
                return WorkloadRef(owner, "Deployment")
        if _SUFFIX_RE.fullmatch(last):
            return WorkloadRef(base, _generated_kind(base))
        if _ORDINAL_RE.fullmatch(last):
            return WorkloadRef(base, "StatefulSet")
    return WorkloadRef(pod_name, "Pod")


def _promote(ref: WorkloadRef) -> WorkloadRef:
    """Lift an immediate owner to the controller above it, when its name says there is one.

    kube-state-metrics' ``kube_pod_owner`` names a Deployment's pods' ReplicaSet
    (``web-7d9f8c6b5``) and a CronJob's pods' Job (``backup-28512345``); these map to Deployment
    ``web`` and CronJob ``backup``. Other owners are returned unchanged.
    """
    base, sep, last = ref.name.rpartition("-")
    if sep and is_object_name(base):
        if ref.kind == "ReplicaSet" and _HASH_RE.fullmatch(last):
            return WorkloadRef(base, "Deployment")
        if ref.kind == "Job" and _is_schedule(last):
            return WorkloadRef(base, "CronJob")
    return ref


def _owner_kind_for(name: str, ref: WorkloadRef) -> WorkloadKind | None:
    """The kind under which owner ``ref`` makes its pod part of workload ``name``, if it does."""
    if ref.name == name:
        return ref.kind
    promoted = _promote(ref)
    if promoted.name == name:
        return promoted.kind
    return None


def group_by_workload(
    pod_names: Iterable[str], owners: Mapping[str, WorkloadRef] | None = None
) -> dict[WorkloadRef, list[str]]:
    """Group pods by the workload that owns them.

    Pods covered by ``owners`` (pod name to owner, e.g. from kube-state-metrics) go to that owner,
    lifted from ReplicaSet to Deployment and from Job to CronJob when the owner's name has the
    generated form (see :func:`resolve_workload`). Other pods go to :func:`infer_owner`'s guess,
    except that pods guessed to share an owner *name* are kept in one group when one kind fits
    them all: a Deployment whose newest ReplicaSet happens to have an all-digit hash stays one
    Deployment, and a pod whose guessed owner is also named in ``owners`` joins that owner's
    group if its name fits that owner's kind. When other pods show that ``x`` is not an indexed
    Job, ``x-<n>-<suffix>`` pods are grouped under Job ``x-<n>`` instead (as in
    :func:`resolve_workload`).

    Returns groups sorted by name then kind, each with its pods sorted and without duplicates.
    """
    groups: dict[WorkloadRef, set[str]] = {}
    by_guessed_name: dict[str, list[str]] = {}
    for pod in sorted(set(pod_names)):
        owner = owners.get(pod) if owners is not None else None
        if owner is not None:
            groups.setdefault(_promote(owner), set()).add(pod)
        else:
            by_guessed_name.setdefault(infer_owner(pod).name, []).append(pod)

    metadata_kinds: dict[str, set[WorkloadKind]] = {}
    for ref in groups:
        metadata_kinds.setdefault(ref.name, set()).add(ref.kind)

    for name, pods in by_guessed_name.items():
        rule_sets, moved = _split_off_indexed({pod: _rules_for(name, pod) for pod in pods})
        for pod, job_name in moved.items():
            groups.setdefault(WorkloadRef(job_name, _generated_kind(job_name)), set()).add(pod)
        common = _common_rules(rule_sets.values())
        known = metadata_kinds.get(name, set())
        target: WorkloadRef | None = None
        if len(known) == 1:
            (kind,) = known
            if any(kind in _rule_kinds(rule, name) for rule in common):
                target = WorkloadRef(name, kind)
        if target is None and common:
            target = WorkloadRef(name, _rule_kind(_best_rule(common), name))
        for pod in rule_sets:
            groups.setdefault(target or infer_owner(pod), set()).add(pod)

    return {ref: sorted(groups[ref]) for ref in sorted(groups, key=lambda ref: (ref.name, ref.kind))}


def _show_pods(pods: Collection[str]) -> str:
    ordered = sorted(pods)
    shown = ", ".join(safe_repr(pod) for pod in ordered[:_MAX_PODS_SHOWN])
    if len(ordered) > _MAX_PODS_SHOWN:
        shown += f" and {len(ordered) - _MAX_PODS_SHOWN} more"
    return shown


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _raise_ambiguous(name: str, namespace: str, candidates: Mapping[str, Collection[str]]) -> NoReturn:
    """Raise AmbiguousWorkloadError for ``candidates`` (description -> pods)."""
    listed = "; ".join(f"{label} ({_show_pods(pods)})" for label, pods in candidates.items())
    all_pods = sorted({pod for pods in candidates.values() for pod in pods})
    raise AmbiguousWorkloadError(
        f"{safe_repr(name)} is ambiguous in namespace {safe_repr(namespace)}: it matches the pods of "
        f"{len(candidates)} different workloads: {listed}. Pass a pod name instead (for example "
        f"{safe_repr(all_pods[0])}), or provide owner metadata (kube-state-metrics) to tell them apart.",
        suggestions=all_pods,
        ko=f"{safe_repr(name)}은(는) 네임스페이스 {safe_repr(namespace)}에서 모호합니다: 서로 다른 워크로드 "
        f"{len(candidates)}개의 파드와 일치합니다({listed}). 대신 파드 이름(예: {safe_repr(all_pods[0])})을 주거나, "
        "구분할 수 있도록 소유자 메타데이터(kube-state-metrics)를 제공하세요.",
    )


def _raise_unknown(
    name: str, namespace: str, pods: Collection[str], owners: Mapping[str, WorkloadRef] | None
) -> NoReturn:
    """Raise UnknownWorkloadError with up to five near matches."""
    if not pods:
        raise UnknownWorkloadError(
            f"no workload named {safe_repr(name)} in namespace {safe_repr(namespace)}: the metrics hold no pod "
            "in that namespace",
            ko=f"네임스페이스 {safe_repr(namespace)}에 {safe_repr(name)} 워크로드가 없습니다: 메트릭에 그 네임스페이스의 "
            "파드가 없습니다",
        )
    workload_names: set[str] = set()
    for pod in pods:
        owner = owners.get(pod) if owners is not None else None
        workload_names.add(_promote(owner).name if owner is not None else infer_owner(pod).name)
    suggestions = difflib.get_close_matches(name, sorted(workload_names), n=_MAX_SUGGESTIONS)
    if len(suggestions) < _MAX_SUGGESTIONS:
        pod_matches = difflib.get_close_matches(name, sorted(pods), n=_MAX_SUGGESTIONS)
        suggestions.extend(pod for pod in pod_matches if pod not in suggestions)
    suggestions = suggestions[:_MAX_SUGGESTIONS]
    if suggestions:
        hint = "did you mean " + ", ".join(safe_repr(s) for s in suggestions) + "?"
        hint_ko = "혹시 " + ", ".join(safe_repr(s) for s in suggestions) + "을(를) 찾으셨나요?"
    else:
        hint_ko = (
            f"비슷한 이름이 없습니다(워크로드 {len(workload_names)}개, 파드 {len(pods)}개). 네임스페이스의 워크로드 "
            "목록을 확인하세요"
        )
        hint = (
            f"no name there is similar ({_plural(len(workload_names), 'workload')}, {_plural(len(pods), 'pod')}); "
            "list the namespace's workloads to see what exists"
        )
    raise UnknownWorkloadError(
        f"no workload named {safe_repr(name)} in namespace {safe_repr(namespace)}; {hint}",
        suggestions=suggestions,
        ko=f"네임스페이스 {safe_repr(namespace)}에 {safe_repr(name)} 워크로드가 없습니다. {hint_ko}",
    )


def resolve_workload(
    name: str,
    namespace: str,
    pod_names: Collection[str],
    owners: Mapping[str, WorkloadRef] | None = None,
) -> ResolvedWorkload:
    """Find the pods of the workload called ``name`` among ``pod_names`` (one namespace's pods).

    Precedence:

    1. **An exact pod name wins**, whatever else matches: a user told "pass a pod name" must get
       that pod. If the name also fits other pods through naming rules or owner metadata, the
       note says so.
    2. **Owner metadata** (``owners``: pod name to owner, e.g. from kube-state-metrics) is
       authoritative for the pods it covers: such a pod belongs to ``name`` exactly when its owner
       is named ``name``, or its owner is a ReplicaSet ``name-<hash>`` (Deployment ``name``) or a
       Job ``name-<schedule minute>`` (CronJob ``name``), since ``kube_pod_owner`` reports immediate
       owners. Pods it does not cover fall back to naming rules and must fit the same kind.
    3. **Naming rules** (see :func:`match_kind`): the pods under which ``name`` is their
       controller. All of them must fit one rule, so a rollout whose new hash is all digits stays
       one Deployment, while a StatefulSet ``db`` (``db-0``) next to a Deployment ``db``
       (``db-7d9f8c6b5-x2b4k``) is ambiguous. One conflict is settled instead: ``x-2-b4k5m`` fits
       an indexed Job ``x`` or a plain Job ``x-2``; when other pods (``x-x2b4k``, ``x-0``, ...)
       show that ``x`` is not an indexed Job, such pods are left out as pods of ``x-2`` (the
       note says so). Alone, they are taken as the indexed Job ``x``.

    ``name`` and ``namespace`` are validated first. An empty ``pod_names`` raises
    UnknownWorkloadError saying the namespace has no pods; callers that can tell an unknown
    namespace apart should check first and raise UnknownNamespaceError themselves.

    Raises:
        InvalidNameError: ``name`` or ``namespace`` is not a valid Kubernetes name.
        AmbiguousWorkloadError: the matched pods belong to workloads of different kinds; lists
            them, with every matched pod in ``suggestions``.
        UnknownWorkloadError: nothing matches; ``suggestions`` holds up to five near matches
            (workload names first, then pod names).
    """
    validate_object_name(name)
    validate_namespace(namespace)
    pods = sorted(set(pod_names))

    if name in pods:
        return _resolve_exact_pod(name, pods, owners)

    by_metadata: dict[str, WorkloadKind] = {}
    by_rules: dict[str, frozenset[_Rule]] = {}
    for pod in pods:
        owner = owners.get(pod) if owners is not None else None
        if owner is not None:
            kind = _owner_kind_for(name, owner)
            if kind is not None:
                by_metadata[pod] = kind
        else:
            rules = _rules_for(name, pod)
            if rules:
                by_rules[pod] = rules

    if not by_metadata and not by_rules:
        _raise_unknown(name, namespace, pods, owners)

    if by_metadata:
        return _resolve_with_metadata(name, namespace, by_metadata, by_rules, owners or {})
    return _resolve_by_rules(name, namespace, by_rules)


def _resolve_exact_pod(name: str, pods: Collection[str], owners: Mapping[str, WorkloadRef] | None) -> ResolvedWorkload:
    others: list[str] = []
    for pod in pods:
        if pod == name:
            continue
        owner = owners.get(pod) if owners is not None else None
        if (owner is not None and _owner_kind_for(name, owner) is not None) or (
            owner is None and _rules_for(name, pod)
        ):
            others.append(pod)
    note = f"{safe_repr(name)} is the name of a pod; only that pod is counted"
    if others:
        note += (
            f". {_plural(len(others), 'other pod')} ({_show_pods(others)}) {'looks' if len(others) == 1 else 'look'} "
            "like the pods of a controller "
            f"also named {safe_repr(name)}; {'it is' if len(others) == 1 else 'they are'} not included"
        )
    return ResolvedWorkload(name=name, kind="Pod", pods=(name,), method="exact-pod", note=note)


def _resolve_by_rules(name: str, namespace: str, by_rules: Mapping[str, frozenset[_Rule]]) -> ResolvedWorkload:
    remaining, moved = _split_off_indexed(by_rules)
    common = _common_rules(remaining.values())
    if not common:
        candidates: dict[str, list[str]] = {}
        for pod, rules in remaining.items():
            rule = _best_rule(rules)
            candidates.setdefault(f"{_rule_label(rule, name)} {safe_repr(name)}", []).append(pod)
        _raise_ambiguous(name, namespace, candidates)
    rule = _best_rule(common)
    kind = _rule_kind(rule, name)
    pods = tuple(sorted(remaining))
    note = (
        f"{_plural(len(pods), 'pod')} named {_RULE_PATTERN[rule]}, matched to {_rule_label(rule, name)} "
        f"{safe_repr(name)} by Kubernetes naming rules; inferred from pod names, not from owner references"
    )
    if rule == "generated":
        note += "; Jobs, DaemonSets and bare ReplicaSets name their pods alike, so the kind is a guess"
    note += f"; kind confidence: {_RULE_CONFIDENCE[rule]}"
    if moved:
        jobs = sorted(set(moved.values()))
        note += (
            f"; {_plural(len(moved), 'pod')} named {safe_repr(name)}-<number>-<5 random characters> "
            f"({_show_pods(moved)}) are left out: {safe_repr(name)} is not an indexed Job, so they are read "
            f"as pods of {'Job' if len(jobs) == 1 else 'Jobs'} {_show_pods(jobs)}"
        )
    return ResolvedWorkload(
        name=name, kind=kind, pods=pods, method="naming-rules", note=note, confidence=_RULE_CONFIDENCE[rule]
    )


def _resolve_with_metadata(
    name: str,
    namespace: str,
    by_metadata: Mapping[str, WorkloadKind],
    by_rules: Mapping[str, frozenset[_Rule]],
    owners: Mapping[str, WorkloadRef],
) -> ResolvedWorkload:
    kinds = set(by_metadata.values())
    if len(kinds) > 1:
        candidates: dict[str, list[str]] = {}
        for pod, pod_kind in by_metadata.items():
            candidates.setdefault(f"{pod_kind} {safe_repr(name)}", []).append(pod)
        _raise_ambiguous(name, namespace, candidates)
    (kind,) = kinds
    if by_rules:
        common = _common_rules(by_rules.values())
        if not any(kind in _rule_kinds(rule, name) for rule in common):
            candidates = {f"{kind} {safe_repr(name)} (by owner metadata)": sorted(by_metadata)}
            for pod, rules in by_rules.items():
                if not any(kind in _rule_kinds(rule, name) for rule in rules):
                    label = f"{_rule_label(_best_rule(rules), name)} {safe_repr(name)} (by pod name)"
                    candidates.setdefault(label, []).append(pod)
            if len(candidates) > 1:
                _raise_ambiguous(name, namespace, candidates)
    pods = tuple(sorted({*by_metadata, *by_rules}))
    lifted = sorted({owners[pod].name for pod in by_metadata if owners[pod].name != name})
    note = f"{_plural(len(by_metadata), 'pod')} attributed to {kind} {safe_repr(name)} by owner metadata"
    if lifted:
        via = "ReplicaSet" if kind == "Deployment" else "Job"
        note += f" (through {via} {_show_pods(lifted)})"
    if by_rules:
        note += (
            f"; {_plural(len(by_rules), 'pod')} not covered by the metadata added by Kubernetes naming rules "
            f"({_show_pods(by_rules)})"
        )
    return ResolvedWorkload(name=name, kind=kind, pods=pods, method="owner-metadata", note=note)


def looks_like_daemonset(running_nodes: Sequence[str], all_nodes: Collection[str]) -> bool:
    """Whether a "Job" by naming rules is really a DaemonSet: one running pod on each of every node.

    Kubernetes names DaemonSet and Job pods alike (``<name>-<5 random characters>``), so naming rules alone
    report both as Job. A group spread one running pod per node over every node is most likely a DaemonSet:
    almost certainly with two nodes or more, and on a one-node cluster (kind, minikube, a single bare-metal
    node: kindnet, kube-proxy) still more likely than a Job, whose pods finish, though a one-pod Job looks the
    same (:func:`daemonset_confidence`). Owner metadata (kube-state-metrics), when present, is exact and wins.
    """
    return (
        len(running_nodes) >= 1
        and len(set(running_nodes)) == len(running_nodes)
        and set(running_nodes) == set(all_nodes)
    )


def daemonset_confidence(node_count: int) -> Confidence:
    """How sure "one pod on each node" makes a DaemonSet: medium over two nodes or more, low on one node."""
    return "medium" if node_count >= 2 else "low"
