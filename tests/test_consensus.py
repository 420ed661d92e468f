"""Unit tests for coursekit.consensus: outcomes, errors, amendments and the majority comparison."""

from __future__ import annotations

import doctest

import pytest

import coursekit.consensus as consensus_module
from coursekit.consensus import (
    DEFAULT_VOTES,
    ConsensusError,
    Meeting,
    Outcome,
    Response,
    ResponseKind,
    Vote,
    compare,
    decide,
    majority_vote,
    round_figure,
)

GROUP = ["Amal", "Ben", "Chiara", "Dev", "Eli"]
PROPOSAL = "Join the harvest accompaniment on Saturday."


def meeting(**responses: object) -> Meeting:
    """A five-person meeting with the given responses recorded in round 1."""
    m = Meeting(GROUP, PROPOSAL)
    m.record(responses)  # type: ignore[arg-type]
    return m


def everyone(kind: str = "agree", **others: object) -> dict[str, object]:
    return {name: others.get(name, kind) for name in GROUP}


# --- outcomes -------------------------------------------------------------------------------


def test_everyone_agrees_is_consensus() -> None:
    d = meeting(**everyone()).outcome()
    assert d.outcome is Outcome.CONSENSUS
    assert d.outcome.goes_ahead
    assert d.reasons == ("Everyone agrees.",)


def test_stand_aside_gives_consensus_with_stand_asides() -> None:
    m = meeting(**everyone(Dev=("stand aside", "I cannot walk far")))
    d = m.outcome()
    assert d.outcome is Outcome.CONSENSUS_WITH_STAND_ASIDES
    assert d.outcome.goes_ahead
    assert d.stand_asides == ("Dev",)
    assert "Dev stands aside" in str(d)


def test_stand_aside_reason_is_optional() -> None:
    d = meeting(**everyone(Dev="stand aside", Eli="stand-aside")).outcome()
    assert d.outcome is Outcome.CONSENSUS_WITH_STAND_ASIDES
    assert d.stand_asides == ("Dev", "Eli")
    assert "Dev and Eli stand aside" in str(d)


def test_one_block_blocks_however_many_agree() -> None:
    d = meeting(**everyone(Eli=("block", "the family has not agreed"))).outcome()
    assert d.outcome is Outcome.BLOCKED
    assert not d.outcome.goes_ahead
    assert d.blocks == ("Eli",)
    assert "the family has not agreed" in str(d)


def test_a_block_wins_even_before_everyone_has_responded() -> None:
    d = meeting(Amal=("block", "it breaks our safety agreement")).outcome()
    assert d.outcome is Outcome.BLOCKED
    assert d.waiting_for == ("Ben", "Chiara", "Dev", "Eli")


def test_a_block_wins_over_open_concerns() -> None:
    m = meeting(**everyone(Ben=("concern", "timing"), Eli=("block", "unsafe")))
    assert m.outcome().outcome is Outcome.BLOCKED


def test_open_concern_means_no_decision() -> None:
    d = meeting(**everyone(Ben=("concern", "I have not done the training"))).outcome()
    assert d.outcome is Outcome.NO_DECISION
    assert d.open_concerns == ("Ben",)
    assert "Ben's concern is open" in str(d)


def test_missing_response_means_no_decision() -> None:
    m = Meeting(GROUP, PROPOSAL)
    m.record({"Amal": "agree", "Ben": "agree", "Chiara": "agree"})
    d = m.outcome()
    assert d.outcome is Outcome.NO_DECISION
    assert d.waiting_for == ("Dev", "Eli")
    assert "Still waiting for Dev and Eli" in str(d)


def test_nobody_responded_yet_is_no_decision() -> None:
    assert Meeting(GROUP, PROPOSAL).outcome().outcome is Outcome.NO_DECISION


def test_everyone_standing_aside_is_no_decision() -> None:
    d = meeting(**everyone("stand aside")).outcome()
    assert d.outcome is Outcome.NO_DECISION
    assert "no one supports" in str(d)


def test_group_of_one() -> None:
    m = Meeting(["Amal"], PROPOSAL)
    m.respond("Amal", ResponseKind.AGREE)
    assert m.outcome().outcome is Outcome.CONSENSUS


def test_kinds_parse_in_several_spellings() -> None:
    assert ResponseKind.parse("Stand_Aside") is ResponseKind.STAND_ASIDE
    assert ResponseKind.parse("  BLOCK ") is ResponseKind.BLOCK
    assert ResponseKind.parse("consent") is ResponseKind.AGREE
    assert ResponseKind.parse(ResponseKind.CONCERN) is ResponseKind.CONCERN


def test_agree_may_carry_a_note() -> None:
    m = Meeting(["Amal"], PROPOSAL)
    r = m.respond("Amal", "agree", "  happy to drive  ")
    assert r.text == "happy to drive"
    assert str(r) == "Amal: agree (happy to drive)"


# --- amendments -----------------------------------------------------------------------------


def test_amendment_starts_a_new_round_and_can_resolve_a_concern() -> None:
    m = meeting(**everyone(Ben=("concern", "I have not done the training")))
    new = m.amend("Join on Saturday; Ben trains first and helps from the house.",
                  addresses=["Ben"])
    assert new is m.current and new.number == 2 and new.addresses == ("Ben",)
    assert new.responses == {}  # everyone responds afresh to the new wording
    assert m.outcome().outcome is Outcome.NO_DECISION
    m.record(everyone())
    assert m.outcome().outcome is Outcome.CONSENSUS
    [resolved] = m.resolved_concerns()
    assert (resolved.participant, resolved.raised_in, resolved.resolved_in) == ("Ben", 1, 2)
    assert m.rounds[0].proposal == PROPOSAL  # the history is kept
    assert decide(m.rounds[0]).outcome is Outcome.NO_DECISION


def test_amendment_can_meet_a_block_with_a_stand_aside() -> None:
    m = meeting(**everyone(Eli=("block", "photos without consent")))
    m.amend("Join, and take no photos of the family.", addresses="Eli")
    m.record(everyone(Eli=("stand aside", "still uneasy")))
    assert m.outcome().outcome is Outcome.CONSENSUS_WITH_STAND_ASIDES
    assert [r.participant for r in m.resolved_concerns()] == ["Eli"]


def test_concern_raised_again_is_not_resolved() -> None:
    m = meeting(**everyone(Ben=("concern", "timing")))
    m.amend("Join on Sunday instead.", addresses=["Ben"])
    m.record(everyone(Ben=("concern", "still the timing")))
    assert m.resolved_concerns() == []
    assert m.outcome().outcome is Outcome.NO_DECISION


def test_minutes_record_every_round_and_name_dissent() -> None:
    m = meeting(**everyone(Ben=("concern", "training"), Dev=("stand aside", "tired")))
    m.amend("Join; Ben trains first.", addresses=["Ben"])
    m.record(everyone(Dev=("stand aside", "tired")))
    text = m.minutes()
    assert "Round 1: " + PROPOSAL in text
    assert "Ben: concern (training)" in text
    assert "Dev: stand aside (tired)" in text
    assert "Amendment addressing: Ben" in text
    assert "Outcome: consensus with stand-asides" in text
    assert "Resolved: Ben's concern from round 1" in text


# --- errors ---------------------------------------------------------------------------------


def test_unknown_participant_is_named() -> None:
    m = Meeting(GROUP, PROPOSAL)
    with pytest.raises(ConsensusError, match="'Zoe' is not a participant.*Amal, Ben"):
        m.respond("Zoe", "agree")
    with pytest.raises(ConsensusError, match="did you mean 'Amal'"):
        m.respond("amal", "agree")
    with pytest.raises(ConsensusError, match="'Zoe' is not a participant"):
        m.record({"Zoe": "agree"})


def test_block_without_reason_is_refused() -> None:
    m = Meeting(GROUP, PROPOSAL)
    for reason in ("", "   "):
        with pytest.raises(ConsensusError, match="Eli blocks without a reason"):
            m.respond("Eli", "block", reason)
    assert m.current.responses == {}


def test_concern_without_text_is_refused() -> None:
    with pytest.raises(ConsensusError, match="concern without saying what it is"):
        Meeting(GROUP, PROPOSAL).respond("Ben", "concern")


@pytest.mark.parametrize("bad", ["maybe", "yes", "", 3, None])
def test_response_outside_the_allowed_kinds(bad: object) -> None:
    with pytest.raises(ConsensusError, match="must be one of 'agree', 'concern', 'stand aside'"):
        Meeting(GROUP, PROPOSAL).respond("Amal", bad)  # type: ignore[arg-type]


def test_reason_must_be_text() -> None:
    with pytest.raises(ConsensusError, match="must be text"):
        Response("Amal", ResponseKind.BLOCK, 42)  # type: ignore[arg-type]


@pytest.mark.parametrize("group", [[], (), iter([])])
def test_empty_group(group: object) -> None:
    with pytest.raises(ConsensusError, match="empty group"):
        Meeting(group, PROPOSAL)  # type: ignore[arg-type]


@pytest.mark.parametrize("group", [["Amal", "Ben", "Amal"], ["Amal", "amal "]])
def test_duplicate_participant(group: list[str]) -> None:
    with pytest.raises(ConsensusError, match="duplicate participant"):
        Meeting(group, PROPOSAL)


@pytest.mark.parametrize("group", [["Amal", ""], ["Amal", None], "Amal"])
def test_participants_need_names(group: object) -> None:
    with pytest.raises(ConsensusError, match="name"):
        Meeting(group, PROPOSAL)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "  ", None])
def test_proposal_needs_text(text: object) -> None:
    with pytest.raises(ConsensusError, match="proposal needs some text"):
        Meeting(GROUP, text)  # type: ignore[arg-type]


def test_responding_twice_in_a_round_is_an_error_unless_replace() -> None:
    m = Meeting(GROUP, PROPOSAL)
    m.respond("Ben", "concern", "timing")
    with pytest.raises(ConsensusError, match="Ben has already responded in round 1 .concern."):
        m.respond("Ben", "agree")
    with pytest.raises(ConsensusError, match="already responded"):
        m.record({"Amal": "agree", "Ben": "agree"})
    assert "Amal" not in m.current.responses  # record() checks everything first
    m.respond("Ben", "agree", replace=True)
    assert m.current.responses["Ben"].kind is ResponseKind.AGREE
    assert "Ben changed from concern to agree" in m.minutes()


def test_record_is_all_or_nothing() -> None:
    m = Meeting(GROUP, PROPOSAL)
    with pytest.raises(ConsensusError, match="Eli blocks without a reason"):
        m.record({"Amal": "agree", "Eli": "block"})
    assert m.current.responses == {}
    with pytest.raises(ConsensusError, match=r"as a kind or as \(kind, text\)"):
        m.record({"Amal": ("block",)})  # type: ignore[dict-item]
    with pytest.raises(ConsensusError, match="dict"):
        m.record([("Amal", "agree")])  # type: ignore[arg-type]


def test_amendment_errors() -> None:
    m = meeting(**everyone(Ben=("concern", "timing")))
    with pytest.raises(ConsensusError, match="must change the proposal"):
        m.amend(PROPOSAL)
    with pytest.raises(ConsensusError, match="proposal needs some text"):
        m.amend(" ")
    with pytest.raises(ConsensusError, match="Chiara raised no concern or block in round 1"):
        m.amend("Join on Sunday.", addresses=["Chiara"])
    with pytest.raises(ConsensusError, match="'Zoe' is not a participant"):
        m.amend("Join on Sunday.", addresses=["Zoe"])
    assert len(m.rounds) == 1


def test_errors_are_value_errors() -> None:
    assert issubclass(ConsensusError, ValueError)


# --- majority and comparison -----------------------------------------------------------------


def test_vote_mapping_is_documented_and_complete() -> None:
    assert set(DEFAULT_VOTES) == set(ResponseKind)
    assert DEFAULT_VOTES[ResponseKind.AGREE] is Vote.YES
    assert DEFAULT_VOTES[ResponseKind.BLOCK] is Vote.NO
    assert DEFAULT_VOTES[ResponseKind.STAND_ASIDE] is Vote.ABSTAIN
    assert DEFAULT_VOTES[ResponseKind.CONCERN] is Vote.NO


def test_majority_passes_but_consensus_is_blocked() -> None:
    m = meeting(**everyone(Eli=("block", "the family has not agreed to photos")))
    c = m.compare()
    assert c.majority.passed and c.majority.yes == ("Amal", "Ben", "Chiara", "Dev")
    assert c.decision.outcome is Outcome.BLOCKED
    assert c.differ
    assert "vote passes 4 to 1, but consensus is blocked" in c.explanation
    assert "Eli's block stops the proposal on its own" in c.explanation
    eli = c.rows[-1]
    assert (eli.participant, eli.vote) == ("Eli", "no")
    assert eli.under_consensus == "stops the decision on its own"
    assert "outvoted" in eli.under_majority


def test_two_blocks_read_in_the_plural() -> None:
    c = meeting(**everyone(Dev=("block", "a"), Eli=("block", "b"))).compare()
    assert "the blocks of Dev and Eli stop the proposal" in c.explanation


def test_both_agree_when_everyone_agrees() -> None:
    c = meeting(**everyone()).compare()
    assert not c.differ and c.majority.passed
    assert str(c.majority) == "Majority vote: PASSES, 5 yes to 0 no."
    assert c.explanation.startswith("Both methods agree")


def test_stand_asides_are_abstentions_and_both_go_ahead() -> None:
    c = meeting(**everyone(Dev="stand aside")).compare()
    assert not c.differ
    assert c.majority.abstain == ("Dev",)
    assert "1 abstain; not counted" in str(c.majority)
    assert "Dev stands aside" in c.explanation and "abstention" in c.explanation


def test_both_fail_when_a_block_is_also_outvoted() -> None:
    c = meeting(Amal="agree", Ben=("block", "unsafe"), Chiara=("concern", "x"),
                Dev=("block", "unsafe"), Eli="stand aside").compare()
    assert not c.majority.passed and not c.differ
    assert c.explanation.startswith("Neither goes ahead: consensus is blocked by Ben and Dev")


def test_open_concern_passes_the_vote_but_not_consensus() -> None:
    c = meeting(**everyone(Ben=("concern", "training"))).compare()
    assert c.differ
    assert "Ben's concern is still open" in c.explanation
    assert c.rows[1].under_majority.startswith("counted as a no vote")


def test_concern_can_be_counted_as_an_abstention() -> None:
    m = meeting(**everyone(Ben=("concern", "training")))
    r = m.majority(concern_as=Vote.ABSTAIN)
    assert r.abstain == ("Ben",) and r.no == ()
    c = m.compare(concern_as=Vote.ABSTAIN)
    assert c.rows[1].vote == "abstain"
    assert c.rows[1].under_majority.startswith("counted as an abstention")
    with pytest.raises(ConsensusError, match="concern_as must be a Vote"):
        m.majority(concern_as="abstain")  # type: ignore[arg-type]


def test_absent_people_do_not_vote_but_hold_up_consensus() -> None:
    m = Meeting(GROUP, PROPOSAL)
    m.record({"Amal": "agree", "Ben": "agree"})
    c = m.compare()
    assert c.majority.absent == ("Chiara", "Dev", "Eli")
    assert c.majority.passed and c.differ
    assert "Chiara, Dev and Eli have not responded" in c.explanation
    assert c.rows[2].response == "(none yet)"


def test_tie_fails_a_simple_majority() -> None:
    m = Meeting(["Amal", "Ben"], PROPOSAL)
    m.record({"Amal": "agree", "Ben": ("block", "unsafe")})
    assert not majority_vote(m.current).passed


def test_consensus_always_passes_the_vote_too() -> None:
    # Every all-agree / stand-aside mix that reaches consensus also passes a simple majority.
    kinds = ["agree", "stand aside"]
    for mask in range(1, 2 ** len(GROUP)):
        responses = {n: kinds[(mask >> i) & 1] for i, n in enumerate(GROUP)}
        m = meeting(**responses)
        d, v = m.outcome(), m.majority()
        if d.outcome.goes_ahead:
            assert v.passed, responses


def test_comparison_renders_as_text_and_accessible_html() -> None:
    c = compare(meeting(**everyone(Eli=("block", "<unsafe>"))).current)
    text = str(c)
    assert "Participant | Response" in text and "Eli" in text
    page = c._repr_html_()
    assert "<caption>" in page and '<th scope="col">Participant</th>' in page
    assert '<th scope="row">Eli</th>' in page
    assert "&lt;unsafe&gt;" in page and "<unsafe>" not in page


def test_round_figure_states_the_outcome_in_its_alt_text() -> None:
    fig = round_figure(meeting(**everyone(Eli=("block", "unsafe"))).current)
    assert "4 agree, 1 block" in fig.alt
    assert "the outcome is blocked" in fig.alt
    assert fig.png.startswith(b"\x89PNG")


def test_module_examples_run() -> None:
    failures, _ = doctest.testmod(consensus_module)
    assert failures == 0
