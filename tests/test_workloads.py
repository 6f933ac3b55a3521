"""Resolving workload names to pods by Kubernetes naming rules and owner metadata."""

from __future__ import annotations

from typing import Literal, get_args

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from carbon_kepler_mcp.domain.workloads import (
    GENERATED_NAME_ALPHABET,
    MAX_SCHEDULE_MINUTE,
    MIN_SCHEDULE_MINUTE,
    WorkloadKind,
    WorkloadRef,
    group_by_workload,
    infer_owner,
    match_kind,
    resolve_workload,
)
from carbon_kepler_mcp.errors import AmbiguousWorkloadError, InvalidNameError, UnknownWorkloadError


def safe_encode(text: str) -> str:
    """Kubernetes' rand.SafeEncodeString: each byte b maps to alphabet[b % 27]."""
    return "".join(GENERATED_NAME_ALPHABET[ord(char) % len(GENERATED_NAME_ALPHABET)] for char in text)


def test_safe_encode_reproduces_real_pod_template_hashes() -> None:
    # '0'..'9' map to 4 5 6 7 8 9 b c d f, so real hashes look like "7d9f8c6b5".
    assert safe_encode("0123456789") == "456789bcdf"


# --- match_kind: one rule at a time -----------------------------------------------------------


def test_deployment_pods_match_through_the_pod_template_hash() -> None:
    assert match_kind("web", "web-7d9f8c6b5-x2b4k") == "Deployment"
    assert match_kind("web", "web-5d8f7b9c6c-zz2kq") == "Deployment"
    assert match_kind("my.app", "my.app-7d9f8c6b5-x2b4k") == "Deployment"


def test_web_does_not_match_the_pods_of_web_app() -> None:
    assert match_kind("web", "web-app-7d9f8c6b5-x2b4k") is None
    assert match_kind("web", "web-app-x2b4k") is None
    assert match_kind("web", "web-app-0") is None
    assert match_kind("web-app", "web-app-7d9f8c6b5-x2b4k") == "Deployment"


def test_api_does_not_match_the_pods_of_api_gateway() -> None:
    assert match_kind("api", "api-gateway-7d9f8c6b5-x2b4k") is None
    assert match_kind("api", "api-gateway-0") is None


def test_a_name_is_never_matched_by_prefix_alone() -> None:
    assert match_kind("web", "webserver-7d9f8c6b5-x2b4k") is None
    assert match_kind("web", "web") == "Pod"
    assert match_kind("web", "web-") is None
    assert match_kind("web", "web-7d9f8c6b5-x2b4k-extra") is None


def test_statefulset_pods_are_numbered_by_ordinal() -> None:
    assert match_kind("db", "db-0") == "StatefulSet"
    assert match_kind("db", "db-12") == "StatefulSet"
    assert match_kind("db", "db-01") is None  # ordinals have no leading zero
    assert match_kind("db", "db--1") is None


def test_daemonset_job_and_bare_replicaset_pods_share_the_five_character_suffix() -> None:
    # From names alone these three kinds are indistinguishable; they are reported as Job.
    assert match_kind("kepler", "kepler-x2b4k") == "Job"
    assert match_kind("ml-training-job", "ml-training-job-x2b4k") == "Job"


def test_a_replicaset_name_is_reported_as_a_replicaset() -> None:
    assert match_kind("web-7d9f8c6b5", "web-7d9f8c6b5-x2b4k") == "ReplicaSet"


@pytest.mark.parametrize("pod", ["web-abcde", "web-x2b4", "web-x2b4kk", "web-x2b0k", "web-X2B4K", "web-x2b4k\n"])
def test_a_suffix_must_be_five_characters_of_the_generated_alphabet(pod: str) -> None:
    assert match_kind("web", pod) is None


def test_indexed_job_pods_carry_their_completion_index() -> None:
    assert match_kind("ml-training-job", "ml-training-job-2-x2b4k") == "Job"
    assert match_kind("render", "render-0-x2b4k") == "Job"
    assert match_kind("render", "render-1234567-x2b4k") == "Job"


def test_cronjob_pods_carry_the_scheduled_minute() -> None:
    assert match_kind("backup", "backup-28512345-b4k5m") == "CronJob"
    assert match_kind("backup", "backup-28562445-b4k5m") == "CronJob"  # digits that could be a hash
    # 123456789 minutes after the epoch is the year 2204: no CronJob scheduled that (issue 14)
    assert match_kind("backup", "backup-123456789-b4k5m") is None


def test_the_job_a_cronjob_created_resolves_as_a_plain_job() -> None:
    assert match_kind("backup-28512345", "backup-28512345-b4k5m") == "Job"


def test_an_all_digit_middle_segment_is_read_as_a_number_not_a_hash() -> None:
    # A pod-template-hash made only of digits (about 0.6% of ReplicaSets) reads as a CronJob's minute or a Job's
    # index when it can be one; 4567894567 minutes (year 10654) cannot, so it is the hash it looks like.
    assert match_kind("web", "web-4567894567-x2b4k") == "Deployment"
    assert match_kind("web", "web-456789-x2b4k") == "Job"


def test_short_vowelless_name_parts_are_not_read_as_a_pod_template_hash() -> None:
    # Real hashes have 6-10 characters; "v2", "db", "grpc" are parts of other workloads' names.
    assert match_kind("api", "api-v2-x2b4k") is None
    assert match_kind("api", "api-grpc-x2b4k") is None
    assert match_kind("api", "api-db-0") is None
    assert match_kind("api", "api-bcdfg-x2b4k") is None  # a 5-character hash needs an FNV value < 100000


def test_ml_training_job_matches_its_job_deployment_and_indexed_job_pods() -> None:
    assert match_kind("ml-training-job", "ml-training-job-x2b4k") == "Job"
    assert match_kind("ml-training-job", "ml-training-job-7d9f8c6b5-x2b4k") == "Deployment"
    assert match_kind("ml-training-job", "ml-training-job-2-x2b4k") == "Job"
    assert match_kind("ml-training-job", "ml-training-job-2-x2b4k-x") is None


@pytest.mark.parametrize("name", ["", "Web", "web-", 'w"}', "x" * 300])
def test_an_invalid_workload_name_matches_nothing_but_itself(name: str) -> None:
    assert match_kind(name, f"{name}-x2b4k") is None
    assert match_kind(name, f"{name}-0") is None


def test_hostile_pod_names_from_the_metrics_match_nothing() -> None:
    assert match_kind("web", 'web-"}-x2b4k') is None
    assert match_kind("web", "web-0\n") is None
    assert infer_owner('web-"}') == WorkloadRef('web-"}', "Pod")


# --- infer_owner ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pod", "owner"),
    [
        ("web-7d9f8c6b5-x2b4k", WorkloadRef("web", "Deployment")),
        ("web-app-7d9f8c6b5-x2b4k", WorkloadRef("web-app", "Deployment")),
        ("db-0", WorkloadRef("db", "StatefulSet")),
        ("kepler-x2b4k", WorkloadRef("kepler", "Job")),
        ("ml-training-job-x2b4k", WorkloadRef("ml-training-job", "Job")),
        ("ml-training-job-2-x2b4k", WorkloadRef("ml-training-job", "Job")),
        ("backup-28512345-b4k5m", WorkloadRef("backup", "CronJob")),
        ("api-v2-x2b4k", WorkloadRef("api-v2", "Job")),
        ("nginx", WorkloadRef("nginx", "Pod")),
        ("debug-shell", WorkloadRef("debug-shell", "Pod")),
        ("x2b4k", WorkloadRef("x2b4k", "Pod")),
    ],
)
def test_infer_owner_guesses_the_top_level_controller(pod: str, owner: WorkloadRef) -> None:
    assert infer_owner(pod) == owner
    assert match_kind(owner.name, pod) == owner.kind


# --- resolve_workload: naming rules -----------------------------------------------------------

NAMESPACE_PODS = [
    "web-7d9f8c6b5-x2b4k",
    "web-7d9f8c6b5-zz2kq",
    "web-app-5d8f7b9c6-b4k5m",
    "api-gateway-6c4d8f9b7-q8w2x",
    "db-0",
    "db-1",
    "kepler-x2b4k",
    "backup-28512345-b4k5m",
    "backup-28512405-c5m2n",
]


def test_resolve_collects_the_pods_of_a_deployment_and_says_how() -> None:
    resolved = resolve_workload("web", "prod", NAMESPACE_PODS)
    assert resolved.kind == "Deployment"
    assert resolved.pods == ("web-7d9f8c6b5-x2b4k", "web-7d9f8c6b5-zz2kq")
    assert resolved.method == "naming-rules"
    assert "<pod-template-hash>" in resolved.note
    assert "inferred from pod names" in resolved.note


def test_resolve_never_lends_web_the_pods_of_web_app() -> None:
    assert "web-app-5d8f7b9c6-b4k5m" not in resolve_workload("web", "prod", NAMESPACE_PODS).pods
    assert resolve_workload("web-app", "prod", NAMESPACE_PODS).pods == ("web-app-5d8f7b9c6-b4k5m",)


def test_resolve_finds_statefulset_pods_by_ordinal() -> None:
    resolved = resolve_workload("db", "prod", NAMESPACE_PODS)
    assert (resolved.kind, resolved.pods) == ("StatefulSet", ("db-0", "db-1"))


def test_resolve_finds_cronjob_pods_across_runs() -> None:
    resolved = resolve_workload("backup", "prod", NAMESPACE_PODS)
    assert (resolved.kind, resolved.pods) == ("CronJob", ("backup-28512345-b4k5m", "backup-28512405-c5m2n"))


def test_resolve_says_when_the_kind_is_a_guess_between_job_daemonset_and_replicaset() -> None:
    resolved = resolve_workload("kepler", "prod", NAMESPACE_PODS)
    assert resolved.kind == "Job"
    assert "kind is a guess" in resolved.note


def test_a_rollout_with_an_all_digit_hash_stays_one_deployment() -> None:
    pods = ["web-7d9f8c6b5-x2b4k", "web-4567894567-zz2kq"]
    resolved = resolve_workload("web", "prod", pods)
    assert (resolved.kind, resolved.pods) == ("Deployment", tuple(sorted(pods)))
    assert group_by_workload(pods) == {WorkloadRef("web", "Deployment"): sorted(pods)}


def test_an_indexed_job_alone_resolves_to_its_indexed_pods() -> None:
    pods = ["render-0-x2b4k", "render-1-zz2kq", "render-2-b4k5m"]
    resolved = resolve_workload("render", "prod", pods)
    assert (resolved.kind, resolved.pods) == ("Job", tuple(pods))
    assert "<completion index>" in resolved.note


def test_pods_of_job_x_2_are_left_out_when_x_is_evidently_not_an_indexed_job() -> None:
    pods = ["ml-training-job-x2b4k", "ml-training-job-2-b4k5m"]
    resolved = resolve_workload("ml-training-job", "prod", pods)
    assert (resolved.kind, resolved.pods) == ("Job", ("ml-training-job-x2b4k",))
    assert "'ml-training-job-2-b4k5m'" in resolved.note
    assert "Job 'ml-training-job-2'" in resolved.note
    assert resolve_workload("ml-training-job-2", "prod", pods).pods == ("ml-training-job-2-b4k5m",)
    assert group_by_workload(pods) == {
        WorkloadRef("ml-training-job", "Job"): ["ml-training-job-x2b4k"],
        WorkloadRef("ml-training-job-2", "Job"): ["ml-training-job-2-b4k5m"],
    }


def test_an_exact_pod_name_wins_and_the_note_mentions_the_controller_reading() -> None:
    pods = ["web", "web-7d9f8c6b5-x2b4k"]
    resolved = resolve_workload("web", "prod", pods)
    assert (resolved.kind, resolved.pods, resolved.method) == ("Pod", ("web",), "exact-pod")
    assert "'web-7d9f8c6b5-x2b4k'" in resolved.note
    assert "not included" in resolved.note


def test_a_full_pod_name_resolves_to_that_pod_alone() -> None:
    resolved = resolve_workload("web-7d9f8c6b5-x2b4k", "prod", NAMESPACE_PODS)
    assert (resolved.kind, resolved.pods, resolved.method) == ("Pod", ("web-7d9f8c6b5-x2b4k",), "exact-pod")
    assert "other pod" not in resolved.note


def test_a_statefulset_and_a_deployment_of_the_same_name_are_ambiguous() -> None:
    pods = ["db-0", "db-1", "db-7d9f8c6b5-x2b4k"]
    with pytest.raises(AmbiguousWorkloadError) as info:
        resolve_workload("db", "prod", pods)
    message = str(info.value)
    assert "StatefulSet 'db' ('db-0', 'db-1')" in message
    assert "Deployment 'db' ('db-7d9f8c6b5-x2b4k')" in message
    assert "Pass a pod name" in message
    assert info.value.suggestions == ("db-0", "db-1", "db-7d9f8c6b5-x2b4k")


def test_the_pod_names_an_ambiguity_error_suggests_resolve_unambiguously() -> None:
    pods = ["db-0", "db-7d9f8c6b5-x2b4k"]
    with pytest.raises(AmbiguousWorkloadError) as info:
        resolve_workload("db", "prod", pods)
    for pod in info.value.suggestions:
        assert resolve_workload(pod, "prod", pods).pods == (pod,)


def test_an_unknown_workload_error_lists_near_matches() -> None:
    with pytest.raises(UnknownWorkloadError) as info:
        resolve_workload("wep", "prod", NAMESPACE_PODS)
    message = str(info.value)
    assert message.startswith("no workload named 'wep' in namespace 'prod'")
    assert "did you mean 'web'" in message
    assert info.value.suggestions[0] == "web"
    assert len(info.value.suggestions) <= 5


def test_near_matches_are_capped_at_five_workload_names_first() -> None:
    pods = [f"worker-{letter}x-7d9f8c6b5-x2b4k" for letter in "abcdefgh"]
    with pytest.raises(UnknownWorkloadError) as info:
        resolve_workload("worker-zx", "prod", pods)
    assert len(info.value.suggestions) == 5
    assert all(s.startswith("worker-") and s.endswith("x") for s in info.value.suggestions)


def test_an_unknown_workload_with_nothing_similar_says_so() -> None:
    with pytest.raises(UnknownWorkloadError) as info:
        resolve_workload("zzzzzzzz", "prod", ["db-0"])
    assert info.value.suggestions == ()
    assert "no name there is similar" in str(info.value)


def test_an_empty_namespace_raises_unknown_workload_saying_there_are_no_pods() -> None:
    with pytest.raises(UnknownWorkloadError, match="no pod in that namespace"):
        resolve_workload("web", "prod", [])


@pytest.mark.parametrize(("name", "namespace"), [('web"}', "prod"), ("web", "Prod"), ("", "prod"), ("web", "")])
def test_resolve_validates_the_name_and_namespace_first(name: str, namespace: str) -> None:
    with pytest.raises(InvalidNameError):
        resolve_workload(name, namespace, NAMESPACE_PODS)


# --- resolve_workload: owner metadata ---------------------------------------------------------


def test_owner_metadata_overrides_naming_rules() -> None:
    owners = {
        "kepler-x2b4k": WorkloadRef("kepler", "DaemonSet"),
        "web-7d9f8c6b5-x2b4k": WorkloadRef("batch", "Job"),  # named like web's pods, but is not
        "web-7d9f8c6b5-zz2kq": WorkloadRef("web", "Deployment"),
    }
    kepler = resolve_workload("kepler", "prod", NAMESPACE_PODS, owners)
    assert (kepler.kind, kepler.pods, kepler.method) == ("DaemonSet", ("kepler-x2b4k",), "owner-metadata")
    web = resolve_workload("web", "prod", NAMESPACE_PODS, owners)
    assert (web.kind, web.pods, web.method) == ("Deployment", ("web-7d9f8c6b5-zz2kq",), "owner-metadata")
    batch = resolve_workload("batch", "prod", NAMESPACE_PODS, owners)
    assert batch.pods == ("web-7d9f8c6b5-x2b4k",)


def test_owner_metadata_can_claim_pods_whose_names_fit_no_rule() -> None:
    owners = {"custom-pod-name": WorkloadRef("operator-managed", "StatefulSet")}
    resolved = resolve_workload("operator-managed", "prod", ["custom-pod-name"], owners)
    assert (resolved.kind, resolved.pods) == ("StatefulSet", ("custom-pod-name",))


def test_an_owning_replicaset_is_lifted_to_its_deployment() -> None:
    owners = {
        "web-7d9f8c6b5-x2b4k": WorkloadRef("web-7d9f8c6b5", "ReplicaSet"),
        "web-5d8f7b9c6c-zz2kq": WorkloadRef("web-5d8f7b9c6c", "ReplicaSet"),
    }
    resolved = resolve_workload("web", "prod", list(owners), owners)
    assert (resolved.kind, resolved.pods) == ("Deployment", ("web-5d8f7b9c6c-zz2kq", "web-7d9f8c6b5-x2b4k"))
    assert "through ReplicaSet" in resolved.note
    replicaset = resolve_workload("web-7d9f8c6b5", "prod", list(owners), owners)
    assert (replicaset.kind, replicaset.pods) == ("ReplicaSet", ("web-7d9f8c6b5-x2b4k",))


def test_an_owning_job_with_a_scheduled_minute_is_lifted_to_its_cronjob() -> None:
    owners = {"backup-28512345-b4k5m": WorkloadRef("backup-28512345", "Job")}
    resolved = resolve_workload("backup", "prod", list(owners), owners)
    assert (resolved.kind, resolved.pods) == ("CronJob", ("backup-28512345-b4k5m",))


def test_owner_metadata_naming_two_kinds_is_ambiguous() -> None:
    owners = {"cache-x2b4k": WorkloadRef("cache", "DaemonSet"), "cache-0": WorkloadRef("cache", "StatefulSet")}
    with pytest.raises(AmbiguousWorkloadError) as info:
        resolve_workload("cache", "prod", list(owners), owners)
    assert "DaemonSet 'cache'" in str(info.value)
    assert "StatefulSet 'cache'" in str(info.value)


def test_pods_not_covered_by_owner_metadata_fall_back_to_naming_rules() -> None:
    owners = {"web-7d9f8c6b5-x2b4k": WorkloadRef("web", "Deployment")}
    pods = ["web-7d9f8c6b5-x2b4k", "web-5d8f7b9c6c-zz2kq"]
    resolved = resolve_workload("web", "prod", pods, owners)
    assert (resolved.kind, resolved.pods, resolved.method) == ("Deployment", tuple(sorted(pods)), "owner-metadata")
    assert "not covered by the metadata" in resolved.note


def test_an_uncovered_pod_of_another_kind_makes_the_name_ambiguous() -> None:
    owners = {"db-0": WorkloadRef("db", "StatefulSet")}
    with pytest.raises(AmbiguousWorkloadError, match="Deployment 'db'"):
        resolve_workload("db", "prod", ["db-0", "db-7d9f8c6b5-x2b4k"], owners)


def test_owner_metadata_settles_the_job_or_daemonset_guess() -> None:
    owners = {"kepler-x2b4k": WorkloadRef("kepler", "DaemonSet")}
    pods = ["kepler-x2b4k", "kepler-zz2kq"]
    resolved = resolve_workload("kepler", "prod", pods, owners)
    assert (resolved.kind, resolved.pods) == ("DaemonSet", tuple(pods))


# --- group_by_workload ------------------------------------------------------------------------


def test_group_by_workload_groups_pods_by_inferred_owner_sorted_and_deduplicated() -> None:
    groups = group_by_workload([*NAMESPACE_PODS, "db-0", "nginx"])
    assert groups == {
        WorkloadRef("api-gateway", "Deployment"): ["api-gateway-6c4d8f9b7-q8w2x"],
        WorkloadRef("backup", "CronJob"): ["backup-28512345-b4k5m", "backup-28512405-c5m2n"],
        WorkloadRef("db", "StatefulSet"): ["db-0", "db-1"],
        WorkloadRef("kepler", "Job"): ["kepler-x2b4k"],
        WorkloadRef("nginx", "Pod"): ["nginx"],
        WorkloadRef("web", "Deployment"): ["web-7d9f8c6b5-x2b4k", "web-7d9f8c6b5-zz2kq"],
        WorkloadRef("web-app", "Deployment"): ["web-app-5d8f7b9c6-b4k5m"],
    }
    assert list(groups) == sorted(groups, key=lambda ref: (ref.name, ref.kind))


def test_group_by_workload_uses_owner_metadata_and_lets_uncovered_pods_join_it() -> None:
    owners = {
        "kepler-x2b4k": WorkloadRef("kepler", "DaemonSet"),
        "web-7d9f8c6b5-x2b4k": WorkloadRef("web-7d9f8c6b5", "ReplicaSet"),
    }
    groups = group_by_workload(["kepler-x2b4k", "kepler-zz2kq", "web-7d9f8c6b5-x2b4k", "web-5d8f7b9c6c-q8w2x"], owners)
    assert groups == {
        WorkloadRef("kepler", "DaemonSet"): ["kepler-x2b4k", "kepler-zz2kq"],
        WorkloadRef("web", "Deployment"): ["web-5d8f7b9c6c-q8w2x", "web-7d9f8c6b5-x2b4k"],
    }


def test_group_by_workload_keeps_same_named_workloads_of_different_kinds_apart() -> None:
    assert group_by_workload(["db", "db-0", "db-7d9f8c6b5-x2b4k"]) == {
        WorkloadRef("db", "Deployment"): ["db-7d9f8c6b5-x2b4k"],
        WorkloadRef("db", "Pod"): ["db"],
        WorkloadRef("db", "StatefulSet"): ["db-0"],
    }


# --- properties -------------------------------------------------------------------------------

_ALPHABET = set(GENERATED_NAME_ALPHABET)
_SEGMENT = st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)
_suffixes = st.text(alphabet=GENERATED_NAME_ALPHABET, min_size=5, max_size=5)


@st.composite
def controller_names(draw: st.DrawFn) -> str:
    """Any valid name of 1-4 dash-separated parts (a dot now and then), at most 63 characters."""
    parts = draw(st.lists(_SEGMENT, min_size=1, max_size=4))
    name = "-".join(parts)
    if draw(st.booleans()) and len(parts) > 1:
        name = name.replace("-", ".", 1)
    return name[:63].rstrip("-.")


def reads_as_plain_name(name: str) -> bool:
    """A last part no rule reads as generated: not all digits and not all of the alphabet."""
    last = name.rsplit("-", 1)[-1]
    return not last.isdigit() and not set(last) <= _ALPHABET


@st.composite
def pod_template_hashes(draw: st.DrawFn) -> str:
    """Real hashes (SafeEncodeString of an FNV value >= 100000) or any 6-10 alphabet characters."""
    if draw(st.booleans()):
        return safe_encode(str(draw(st.integers(min_value=100_000, max_value=2**32 - 1))))
    return draw(st.text(alphabet=GENERATED_NAME_ALPHABET, min_size=6, max_size=10))


_GENERATED: frozenset[WorkloadKind] = frozenset({"Job", "DaemonSet", "ReplicaSet"})

Rule = Literal["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "IndexedJob", "CronJob", "ReplicaSet"]
RULES: tuple[Rule, ...] = get_args(Rule)


@st.composite
def controller_pods(draw: st.DrawFn, name: str) -> tuple[str, WorkloadKind, frozenset[WorkloadKind]]:
    """A pod of controller ``name`` by one rule: (pod name, the rule's kind, kinds match_kind may report)."""
    kind = draw(st.sampled_from(RULES))
    suffix = draw(_suffixes)
    if kind == "Pod":
        return name, "Pod", frozenset({"Pod"})
    if kind == "Deployment":
        pod_hash = draw(pod_template_hashes())
        if pod_hash.isdigit():  # documented: an all-digit hash reads as a number where one is plausible
            return f"{name}-{pod_hash}-{suffix}", "Deployment", frozenset({"CronJob", "Job", "Deployment"})
        return f"{name}-{pod_hash}-{suffix}", "Deployment", frozenset({"Deployment"})
    if kind == "StatefulSet":
        ordinal = str(draw(st.integers(min_value=0, max_value=99_999)))
        if len(ordinal) == 5 and set(ordinal) <= _ALPHABET:  # documented: reads as a generated suffix
            return f"{name}-{ordinal}", "StatefulSet", _GENERATED
        return f"{name}-{ordinal}", "StatefulSet", frozenset({"StatefulSet"})
    if kind == "DaemonSet" or kind == "Job" or kind == "ReplicaSet":
        return f"{name}-{suffix}", kind, _GENERATED
    if kind == "CronJob":
        minute = draw(st.integers(min_value=MIN_SCHEDULE_MINUTE, max_value=MAX_SCHEDULE_MINUTE))
        return f"{name}-{minute}-{suffix}", "CronJob", frozenset({"CronJob"})
    index = draw(st.integers(min_value=0, max_value=99_999))
    return f"{name}-{index}-{suffix}", "Job", frozenset({"Job"})


@given(st.data())
def test_match_kind_recovers_the_rule_that_named_the_pod(data: st.DataObject) -> None:
    name = data.draw(controller_names())
    assume(name)
    pod, _kind, allowed = data.draw(controller_pods(name))
    assert match_kind(name, pod) in allowed


@given(st.data())
def test_infer_owner_recovers_the_controller_of_plainly_named_workloads(data: st.DataObject) -> None:
    name = data.draw(controller_names().filter(reads_as_plain_name))
    pod, _kind, allowed = data.draw(controller_pods(name))
    owner = infer_owner(pod)
    assert owner.name == name
    assert owner.kind in allowed


@given(st.data())
def test_infer_owner_agrees_with_match_kind_for_any_name(data: st.DataObject) -> None:
    name = data.draw(controller_names())
    assume(name)
    pod, _kind, _allowed = data.draw(controller_pods(name))
    owner = infer_owner(pod)
    assert match_kind(owner.name, pod) == owner.kind
    assert match_kind(name, pod) is not None


@given(st.data())
def test_pods_of_a_longer_plain_name_never_match_its_prefix(data: st.DataObject) -> None:
    name = data.draw(controller_names())
    assume(name)
    longer = data.draw(controller_names().filter(reads_as_plain_name).map(lambda tail: f"{name}-{tail}"))
    assume(len(longer) <= 63)
    pod, kind, _allowed = data.draw(controller_pods(longer))
    assume(kind != "Pod")
    assert match_kind(name, pod) is None


@given(st.data())
def test_group_by_workload_puts_every_pod_in_exactly_one_group(data: st.DataObject) -> None:
    names = data.draw(st.lists(controller_names().filter(bool), min_size=1, max_size=4))
    pods = [data.draw(controller_pods(name))[0] for name in names for _ in range(2)]
    groups = group_by_workload(pods)
    grouped = [pod for members in groups.values() for pod in members]
    assert sorted(grouped) == sorted(set(pods))
    for ref, members in groups.items():
        for pod in members:
            assert match_kind(ref.name, pod) is not None or ref.name == pod.rpartition("-")[0]
