"""A small model of a consensus meeting, and how it compares with a majority vote.

The model follows the consensus guides recorded in the course's fact sheet
(section 5), chiefly Seeds for Change's *A Consensus Handbook* and its briefing
"Consensus Decision Making" (citation keys ``sfc-handbook`` and
``sfc-consensus``), with the stand-aside and block rules from ``gocoho2002``,
``desire-block`` and ``consensus-textbook``:

- Seeds for Change describe consensus as neither compromise nor unanimity: the
  group looks for a proposal everyone actively supports or can at least live
  with (``sfc-consensus``, ``slacc2011``).
- At the decision point a person can usually consent, stand aside or block
  (``gocoho2002``). A person who stands aside does not support the proposal but
  lets the group go ahead; their name is minuted and they are not expected to
  carry out the decision (``gocoho2002``, ``consensus-textbook``).
- A block stops the decision; guides keep it for serious objections, such as a
  breach of the group's ethics or safety, and ask the blocker to explain
  (``gocoho2002``, ``desire-block``). So this model *requires* a reason.

This module adds one more response, a *concern*: "I can't agree yet; this
needs to be addressed". Concerns are what amendments are for. The rules are
small on purpose; real groups adapt them (the handbook has whole chapters on
troubleshooting and on quick consensus, ``sfc-handbook``, ``zarohk-sfc``).

A typical session::

    >>> m = Meeting(["Amal", "Ben", "Chiara"], "Join the harvest on Saturday.")
    >>> m.record({"Amal": "agree", "Ben": ("concern", "I have not had the training"),
    ...           "Chiara": "agree"})
    >>> m.outcome().outcome
    <Outcome.NO_DECISION: 'no decision'>
    >>> _ = m.amend("Join on Saturday; Ben joins after the next training.", addresses=["Ben"])
    >>> m.record({"Amal": "agree", "Ben": "agree", "Chiara": ("stand aside", "away that day")})
    >>> m.outcome().outcome
    <Outcome.CONSENSUS_WITH_STAND_ASIDES: 'consensus with stand-asides'>

**The outcome rules** (see :func:`decide`), checked in this order on one round:

1. ``BLOCKED`` — at least one person blocks. A block stops the decision on its
   own, so it wins even while others have still to respond.
2. ``NO_DECISION`` — the round is unfinished or nobody supports the proposal:
   someone has not responded yet, someone's concern is still open, or every
   response is a stand-aside (a proposal no one supports is not a decision).
3. ``CONSENSUS_WITH_STAND_ASIDES`` — everyone responded, at least one person
   agrees, no concerns or blocks, and at least one person stands aside.
4. ``CONSENSUS`` — everyone agrees.

**The majority mapping** (see :func:`majority_vote`): agree → yes, block → no,
stand aside → abstain, concern → no by default (a person with an open concern
is not ready to support the proposal as worded; pass ``concern_as=Vote.ABSTAIN``
to try the other reading). A proposal passes a simple majority when it has more
yes votes than no votes; abstentions and people who have not responded are not
counted. A proposal that reaches consensus always passes this vote too; the
reverse does not hold, which is what :func:`compare` shows.

**One response per person per round.** A second response from the same person
in the same round raises :class:`ConsensusError`, because silently overwriting
would hide a slip (a misspelt or mixed-up name). To record a genuine change of
mind, pass ``replace=True``, which the minutes then show.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from .figures import PALETTE, AccessibleFigure, new_figure, phone_figure, show
from .text import is_rtl, joined, tr

__all__ = [
    "ConsensusError", "ResponseKind", "Outcome", "Vote", "Response", "Round", "Meeting",
    "Decision", "MajorityResult", "ComparisonRow", "Comparison", "ResolvedConcern",
    "decide", "majority_vote", "compare", "round_figure", "DEFAULT_VOTES",
]


class ConsensusError(ValueError):
    """Bad input to a consensus meeting. The message names the problem and how to fix it."""


class ResponseKind(Enum):
    """What a participant can say when the group tests for agreement."""

    AGREE = "agree"
    CONCERN = "concern"
    STAND_ASIDE = "stand aside"
    BLOCK = "block"

    @classmethod
    def parse(cls, value: ResponseKind | str) -> ResponseKind:
        """Turn ``"agree"``, ``"Stand-aside"``, ``"stand_aside"``… into a kind.

        ``"consent"`` is accepted as another word for agree (``gocoho2002``).
        Anything else raises :class:`ConsensusError` listing the allowed kinds.
        """
        if isinstance(value, ResponseKind):
            return value
        if isinstance(value, str):
            key = " ".join(value.strip().lower().replace("-", " ").replace("_", " ").split())
            if key == "consent":
                return cls.AGREE
            for kind in cls:
                if kind.value == key:
                    return kind
        allowed = ", ".join(repr(k.value) for k in cls)
        raise ConsensusError(f"a response must be one of {allowed}; got {value!r}")


class Outcome(Enum):
    """The result of testing a proposal for agreement (rules in :func:`decide`)."""

    CONSENSUS = "consensus"
    CONSENSUS_WITH_STAND_ASIDES = "consensus with stand-asides"
    BLOCKED = "blocked"
    NO_DECISION = "no decision"

    @property
    def goes_ahead(self) -> bool:
        """True when the group may act on the proposal."""
        return self in (Outcome.CONSENSUS, Outcome.CONSENSUS_WITH_STAND_ASIDES)


class Vote(Enum):
    """A vote in a simple-majority decision."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


#: How each consensus response becomes a vote (concerns can be remapped, see majority_vote).
DEFAULT_VOTES: Mapping[ResponseKind, Vote] = {
    ResponseKind.AGREE: Vote.YES,
    ResponseKind.CONCERN: Vote.NO,
    ResponseKind.STAND_ASIDE: Vote.ABSTAIN,
    ResponseKind.BLOCK: Vote.NO,
}


@dataclass(frozen=True)
class Response:
    """One person's response in one round.

    ``text`` is the concern, the reason for standing aside or blocking, or an
    optional note with an agreement. A concern and a block need text
    (a concern must say what to address; guides ask a blocker to explain,
    ``gocoho2002``, ``desire-block``); it is optional otherwise.
    """

    participant: str
    kind: ResponseKind
    text: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise ConsensusError(
                f"{self.participant}: the reason or note must be text, got {self.text!r}"
            )
        object.__setattr__(self, "text", self.text.strip())
        # both messages are looked up, so each is in the catalogue whichever is needed
        no_reason = tr("{name} blocks without a reason: a block stops the whole group, so the "
                       "blocker must explain it (e.g. which shared principle or safety concern "
                       "the proposal breaks)")
        no_concern = tr("{name} raises a concern without saying what it is: give the concern "
                        "as text so the group can address it")
        if self.kind is ResponseKind.BLOCK and not self.text:
            raise ConsensusError(no_reason.format(name=tr(self.participant)))
        if self.kind is ResponseKind.CONCERN and not self.text:
            raise ConsensusError(no_concern.format(name=tr(self.participant)))

    @property
    def said(self) -> str:
        """The response as the table shows it: its kind, and its text in brackets if any."""
        kind, with_text = tr(self.kind.value), tr("{kind} ({text})")
        return with_text.format(kind=kind, text=tr(self.text)) if self.text else kind

    def __str__(self) -> str:
        return tr("{name}: {said}", name=tr(self.participant), said=self.said)


@dataclass
class Round:
    """One proposal put to the group, and the responses to it.

    Create rounds through :class:`Meeting` (its first round, then one per
    amendment) rather than directly. ``addresses`` names the people whose
    concerns or blocks in the previous round this amended proposal sets out to meet.
    """

    number: int
    proposal: str
    participants: tuple[str, ...]
    addresses: tuple[str, ...] = ()
    responses: dict[str, Response] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    def add(self, response: Response, replace: bool = False) -> None:
        """Record ``response``; see the module notes on responding twice."""
        name = response.participant
        changed = tr("{name} changed from {old} to {new}")  # looked up on every call (extraction)
        if name not in self.participants:
            raise ConsensusError(_unknown(name, self.participants))
        if name in self.responses:
            if not replace:
                raise ConsensusError(
                    f"{name} has already responded in round {self.number} "
                    f"({self.responses[name].kind.value}); to record a change of mind, "
                    "pass replace=True"
                )
            self.changes.append(changed.format(name=tr(name), old=tr(self.responses[name].kind.value),
                                               new=tr(response.kind.value)))
        self.responses[name] = response

    def of(self, kind: ResponseKind) -> list[Response]:
        """Responses of one kind, in the order of the group list."""
        return [self.responses[p] for p in self.participants
                if p in self.responses and self.responses[p].kind is kind]

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """Participants who have not responded in this round."""
        return tuple(p for p in self.participants if p not in self.responses)

    def __str__(self) -> str:
        lines = [tr("Round {n}: {proposal}", n=self.number, proposal=tr(self.proposal))]
        waiting = tr("{name}: (no response yet)")  # looked up even when everyone has responded
        for p in self.participants:
            lines.append(f"  {self.responses[p]}" if p in self.responses
                         else "  " + waiting.format(name=tr(p)))
        return "\n".join(lines)


@dataclass(frozen=True)
class ResolvedConcern:
    """A concern (or block) raised in one round and met in a later one."""

    participant: str
    text: str
    raised_in: int
    resolved_in: int


@dataclass(frozen=True)
class Decision:
    """The outcome of one round, with the reasons in plain words."""

    round_number: int
    proposal: str
    outcome: Outcome
    reasons: tuple[str, ...]
    stand_asides: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()
    open_concerns: tuple[str, ...] = ()
    waiting_for: tuple[str, ...] = ()

    def __str__(self) -> str:
        head = tr("Round {n}: {outcome}.", n=self.round_number,
                  outcome=tr(self.outcome.value).upper())
        return joined([head, *self.reasons], " ")

    __repr__ = __str__


@dataclass(frozen=True)
class MajorityResult:
    """A simple-majority vote over the same responses."""

    yes: tuple[str, ...]
    no: tuple[str, ...]
    abstain: tuple[str, ...]
    absent: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """More yes than no votes; abstentions and absences are not counted."""
        return len(self.yes) > len(self.no)

    def __str__(self) -> str:
        # every alternative is looked up, so each is in the catalogue whichever the vote needs
        passes, fails = tr("PASSES"), tr("FAILS")
        abstain, not_voting = tr("{n} abstain"), tr("{n} not voting")
        plain = tr("Majority vote: {verdict}, {yes} yes to {no} no.")
        with_uncounted = tr("Majority vote: {verdict}, {yes} yes to {no} no ({uncounted}; "
                            "not counted).")
        extra = [abstain.format(n=len(self.abstain))] if self.abstain else []
        extra += [not_voting.format(n=len(self.absent))] if self.absent else []
        values = dict(verdict=passes if self.passed else fails, yes=len(self.yes), no=len(self.no))
        if extra:
            return with_uncounted.format(uncounted=tr(", ").join(extra), **values)
        return plain.format(**values)

    __repr__ = __str__


def _unknown(name: object, participants: Iterable[str]) -> str:
    names = list(participants)
    msg = f"{name!r} is not a participant in this meeting; the group is: {', '.join(names)}"
    if isinstance(name, str):
        close = [p for p in names if p.lower() == name.strip().lower()]
        if close:
            msg += f" (did you mean {close[0]!r}?)"
    return msg


def _names(participants: Iterable[str]) -> tuple[str, ...]:
    if isinstance(participants, str):
        raise ConsensusError("give the participants as a list of names, not one string")
    names: list[str] = []
    seen: dict[str, str] = {}
    for raw in participants:
        if not isinstance(raw, str) or not raw.strip():
            raise ConsensusError(f"every participant needs a name (non-empty text); got {raw!r}")
        name = raw.strip()
        if name.lower() in seen:
            raise ConsensusError(
                f"duplicate participant {name!r} ({seen[name.lower()]!r} is already in the "
                "group); each person takes part once, so names must be unique"
            )
        seen[name.lower()] = name
        names.append(name)
    if not names:
        raise ConsensusError("an empty group cannot decide anything: give at least one participant")
    return tuple(names)


def _proposal(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ConsensusError(f"a proposal needs some text saying what is proposed; got {text!r}")
    return text.strip()


class Meeting:
    """A group testing a proposal for agreement, round by round.

    ``participants`` are the people present (unique names, at least one);
    ``proposal`` is what they are asked to agree to. Responses go into the
    current round with :meth:`respond` or :meth:`record`; :meth:`amend` puts
    an amended proposal and starts a new round, in which everyone responds
    afresh (agreeing to one wording is not agreeing to another).
    """

    def __init__(self, participants: Iterable[str], proposal: str) -> None:
        self.participants = _names(participants)
        self.rounds: list[Round] = [Round(1, _proposal(proposal), self.participants)]

    @property
    def current(self) -> Round:
        """The round now being tested."""
        return self.rounds[-1]

    def respond(self, participant: str, kind: ResponseKind | str, text: str = "",
                *, replace: bool = False) -> Response:
        """Record one response in the current round and return it.

        Raises :class:`ConsensusError` for an unknown participant, a kind
        outside agree/concern/stand aside/block, a block or concern without
        text, or a second response in the round (unless ``replace=True``).
        """
        if participant not in self.participants:
            raise ConsensusError(_unknown(participant, self.participants))
        response = Response(participant, ResponseKind.parse(kind), text)
        self.current.add(response, replace=replace)
        return response

    def record(self, responses: Mapping[str, ResponseKind | str | tuple[ResponseKind | str, str]],
               *, replace: bool = False) -> None:
        """Record several responses at once: ``{"Amal": "agree", "Ben": ("block", "why")}``.

        Every entry is checked before any is recorded, so a mistake leaves the
        round unchanged.
        """
        if not isinstance(responses, Mapping):
            raise ConsensusError("give the responses as a dict of name -> response")
        checked: list[Response] = []
        for name, value in responses.items():
            if name not in self.participants:
                raise ConsensusError(_unknown(name, self.participants))
            if isinstance(value, tuple):
                if len(value) != 2:
                    raise ConsensusError(
                        f"{name}: give a response as a kind or as (kind, text); got {value!r}"
                    )
                kind, text = value
            else:
                kind, text = value, ""
            response = Response(name, ResponseKind.parse(kind), text)
            if name in self.current.responses and not replace:
                self.current.add(response)  # raises the "already responded" error
            checked.append(response)
        for response in checked:
            self.current.add(response, replace=replace)

    def amend(self, proposal: str, addresses: Iterable[str] = ()) -> Round:
        """Put an amended proposal, starting a new round, and return that round.

        ``addresses`` names the people whose concerns or blocks in the current
        round the amendment is meant to meet. Whether it does is up to them:
        a concern counts as resolved when its author agrees or stands aside in
        the new round (see :meth:`resolved_concerns`).
        """
        text = _proposal(proposal)
        if text == self.current.proposal:
            raise ConsensusError("an amendment must change the proposal; the text is unchanged")
        if isinstance(addresses, str):
            addresses = [addresses]
        raised = {r.participant for r in self.current.of(ResponseKind.CONCERN)
                  + self.current.of(ResponseKind.BLOCK)}
        targets = []
        for name in addresses:
            if name not in self.participants:
                raise ConsensusError(_unknown(name, self.participants))
            if name not in raised:
                raise ConsensusError(
                    f"{name} raised no concern or block in round {self.current.number}, "
                    "so there is nothing of theirs for this amendment to address"
                )
            targets.append(name)
        new = Round(self.current.number + 1, text, self.participants, tuple(targets))
        self.rounds.append(new)
        return new

    def outcome(self) -> Decision:
        """The decision on the current round (see :func:`decide`)."""
        return decide(self.current)

    def majority(self, concern_as: Vote = Vote.NO) -> MajorityResult:
        """A simple-majority vote over the current round's responses."""
        return majority_vote(self.current, concern_as=concern_as)

    def compare(self, concern_as: Vote = Vote.NO) -> Comparison:
        """Consensus and majority side by side for the current round."""
        return compare(self.current, concern_as=concern_as)

    def resolved_concerns(self) -> list[ResolvedConcern]:
        """Concerns and blocks whose authors agreed or stood aside in the next round."""
        found = []
        for before, after in zip(self.rounds, self.rounds[1:], strict=False):
            for r in before.of(ResponseKind.CONCERN) + before.of(ResponseKind.BLOCK):
                later = after.responses.get(r.participant)
                if later and later.kind in (ResponseKind.AGREE, ResponseKind.STAND_ASIDE):
                    found.append(ResolvedConcern(r.participant, r.text,
                                                 before.number, after.number))
        return found

    def minutes(self) -> str:
        """A note-taker's record: each round, its responses and its outcome.

        Dissent is kept: stand-asides, concerns and blocks are minuted by name
        (``gocoho2002``, ``opengroup-consensus``).
        """
        # every line's text is looked up, so each is in the catalogue whichever the minutes need
        addressing, note = tr("Amendment addressing: {names}"), tr("Note: {change}")
        outcome = tr("Outcome: {outcome}")
        resolved = tr("Resolved: {name}'s concern from round {raised} ({text}) was met in "
                      "round {resolved}.")
        lines = []
        for rnd in self.rounds:
            if rnd.addresses:
                lines.append(addressing.format(names=tr(", ").join(map(tr, rnd.addresses))))
            lines.append(str(rnd))
            lines.extend("  " + note.format(change=c) for c in rnd.changes)
            lines.append("  " + outcome.format(outcome=tr(decide(rnd).outcome.value)))
        for rc in self.resolved_concerns():
            lines.append(resolved.format(name=tr(rc.participant), raised=rc.raised_in,
                                         text=tr(rc.text), resolved=rc.resolved_in))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"Meeting({len(self.participants)} participants, round {self.current.number}: "
                f"{self.current.proposal!r})")


def _list(names: Iterable[str]) -> str:
    """``Amal``, ``Amal and Ben``, ``Amal, Ben and Chiara`` (each name as the edition writes it)."""
    names = [tr(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return tr(", ").join(names[:-1]) + tr(" and ") + names[-1]


def _one_or_many(items: Iterable[object], one: str, many: str) -> str:
    """``one`` for a single item, else ``many``: the caller looks up both texts, so each is in
    the catalogue whatever the count (Arabic templates avoid number agreement)."""
    return one if len(list(items)) == 1 else many


def decide(rnd: Round) -> Decision:
    """Apply the outcome rules (module docstring, in order) to one round."""
    blocks = rnd.of(ResponseKind.BLOCK)
    concerns = rnd.of(ResponseKind.CONCERN)
    asides = rnd.of(ResponseKind.STAND_ASIDE)
    agrees = rnd.of(ResponseKind.AGREE)
    waiting = rnd.waiting_for
    common = dict(
        round_number=rnd.number, proposal=rnd.proposal,
        stand_asides=tuple(r.participant for r in asides),
        blocks=tuple(r.participant for r in blocks),
        open_concerns=tuple(r.participant for r in concerns),
        waiting_for=waiting,
    )
    # Every reason is looked up on every call, so each is in the catalogue whichever applies.
    t = {key: tr(msgid) for key, msgid in _REASONS.items()}
    if blocks:
        reasons = tuple(t["block"].format(who=tr(r.participant), why=tr(r.text)) for r in blocks)
        reasons += (t["block_stops"],)
        return Decision(outcome=Outcome.BLOCKED, reasons=reasons, **common)
    reasons_nd: list[str] = []
    if waiting:
        reasons_nd.append(t["waiting"].format(names=_list(waiting)))
    reasons_nd += [t["concern"].format(who=tr(r.participant), why=tr(r.text)) for r in concerns]
    if not waiting and not concerns and not agrees:
        reasons_nd.append(t["all_aside"])
    if reasons_nd:
        return Decision(outcome=Outcome.NO_DECISION, reasons=tuple(reasons_nd), **common)
    if asides:
        agreeing = _one_or_many(agrees, t["agrees"], t["agree"])
        standing = _one_or_many(asides, t["stands_aside"], t["stand_aside"])
        reasons = (t["with_asides"].format(
            agreeing=agreeing.format(names=_list(r.participant for r in agrees)),
            standing=standing.format(names=_list(r.participant for r in asides))),)
        return Decision(outcome=Outcome.CONSENSUS_WITH_STAND_ASIDES, reasons=reasons, **common)
    return Decision(outcome=Outcome.CONSENSUS, reasons=(t["everyone"],), **common)


#: The reasons :func:`decide` gives, in English (looked up with :func:`tr`).
_REASONS = {
    "block": "{who} blocks: {why}.",
    "block_stops": "A block stops the proposal however many others agree.",
    "waiting": "Still waiting for {names} to respond.",
    "concern": "{who}'s concern is open: {why}.",
    "all_aside": "Everyone stands aside, so no one supports the proposal.",
    "agrees": "{names} agrees",
    "agree": "{names} agree",
    "stands_aside": "{names} stands aside",
    "stand_aside": "{names} stand aside",
    "with_asides": "{agreeing}; {standing} (minuted by name, not expected to carry out the "
                   "decision).",
    "everyone": "Everyone agrees.",
}


def majority_vote(rnd: Round, concern_as: Vote = Vote.NO) -> MajorityResult:
    """Count the round's responses as a simple-majority vote (mapping in :data:`DEFAULT_VOTES`).

    ``concern_as`` sets how an open concern is counted (``Vote.NO`` by default).
    """
    if not isinstance(concern_as, Vote):
        raise ConsensusError(f"concern_as must be a Vote (YES, NO or ABSTAIN); got {concern_as!r}")
    mapping = dict(DEFAULT_VOTES)
    mapping[ResponseKind.CONCERN] = concern_as
    votes: dict[Vote, list[str]] = {v: [] for v in Vote}
    for p in rnd.participants:
        if p in rnd.responses:
            votes[mapping[rnd.responses[p].kind]].append(p)
    return MajorityResult(tuple(votes[Vote.YES]), tuple(votes[Vote.NO]),
                          tuple(votes[Vote.ABSTAIN]), rnd.waiting_for)


@dataclass(frozen=True)
class ComparisonRow:
    """One participant's response and what it counts for under each method."""

    participant: str
    response: str
    vote: str
    under_consensus: str
    under_majority: str


#: What each response counts for under consensus and under a majority vote (English; the
#: table looks each up with :func:`tr`).
_EFFECTS = {
    ResponseKind.AGREE: ("supports the proposal", "a yes vote"),
    ResponseKind.CONCERN: ("must be addressed before the group can decide",
                           "counted as a {vote} vote; nothing makes the group address it"),
    ResponseKind.STAND_ASIDE: ("lets the group go ahead; minuted, not expected to take part",
                               "an abstention, which is not counted"),
    ResponseKind.BLOCK: ("stops the decision on its own",
                         "one no vote, which can be outvoted"),
}


#: The comparison table's column headings (English; looked up with :func:`tr`).
_HEADINGS = ("Participant", "Response", "Vote", "Under consensus", "Under majority")


@dataclass(frozen=True)
class Comparison:
    """Consensus and simple majority over the same responses, with the difference explained."""

    decision: Decision
    majority: MajorityResult
    rows: tuple[ComparisonRow, ...]
    explanation: str

    @property
    def differ(self) -> bool:
        """True when one method lets the proposal go ahead and the other does not."""
        return self.decision.outcome.goes_ahead != self.majority.passed

    def __str__(self) -> str:
        head = tuple(tr(h) for h in _HEADINGS)
        cells = [head] + [(r.participant, r.response, r.vote, r.under_consensus, r.under_majority)
                          for r in self.rows]
        widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
        lines = [" | ".join(c[i].ljust(widths[i]) for i in range(len(head))).rstrip()
                 for c in cells]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        return "\n".join([str(self.decision), str(self.majority), "", *lines, "",
                          self.explanation])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        e = html.escape
        head = tuple(tr(h) for h in _HEADINGS)
        rows = "".join(
            "<tr>" + f'<th scope="row">{e(r.participant)}</th>'
            + "".join(f"<td>{e(c)}</td>" for c in (r.response, r.vote, r.under_consensus,
                                                   r.under_majority)) + "</tr>"
            for r in self.rows
        )
        return (
            '<div class="consensus-comparison">'
            f"<p><strong>{e(tr('Consensus:'))}</strong> {e(str(self.decision))}<br>"
            f"<strong>{e(tr('Majority:'))}</strong> {e(str(self.majority))}</p>"
            f"<table><caption>{e(self.explanation)}</caption><thead><tr>"
            + "".join(f'<th scope="col">{e(h)}</th>' for h in head)
            + f"</tr></thead><tbody>{rows}</tbody></table></div>"
        )


#: The sentences that explain a comparison (English; :func:`_explain` looks each up with
#: :func:`tr`, all of them on every call, so each is in the catalogue whichever applies).
_EXPLANATIONS = {
    "count": "{yes} to {no}",
    "stands_aside": "{names} stands aside: under consensus this is minuted by name and does not "
                    "stop the group; in the vote it counts as an abstention, which does not "
                    "change the count.",
    "stand_aside": "{names} stand aside: under consensus this is minuted by name and does not "
                   "stop the group; in the vote it counts as an abstention, which does not "
                   "change the count.",
    "consensus": "Both methods agree: everyone supports the proposal, so the vote is unanimous "
                 "too.",
    "with_asides": "Both methods let the proposal go ahead.",
    "blocked_one": "They differ: the vote passes {count}, but consensus is blocked. {name}'s "
                   "block stops the proposal on its own; a majority vote has no block, so it "
                   "counts as one no vote and can be outvoted.",
    "blocked_many": "They differ: the vote passes {count}, but consensus is blocked. the blocks "
                    "of {names} stop the proposal on its own; a majority vote has no block, so "
                    "they count as no votes and can be outvoted.",
    "blocked_fails": "Neither goes ahead: consensus is blocked by {names}, and the vote fails "
                     "{count} as well.",
    "concern_open": "{name}'s concern is still open, and consensus asks the group to address it "
                    "(for example by an amendment) and test again",
    "concerns_open": "the concerns of {names} are still open, and consensus asks the group to "
                     "address them (for example by an amendment) and test again",
    "has_not": "{names} has not responded, and consensus needs everyone's response while a vote "
               "counts only those who vote",
    "have_not": "{names} have not responded, and consensus needs everyone's response while a "
                "vote counts only those who vote",
    "no_support": "no one actively supports the proposal",
    "differ": "They differ: the vote passes {count}, but consensus has no decision yet: {why}.",
    "neither": "Neither goes ahead: the vote fails {count}, and for consensus {why}.",
}


def _explain(decision: Decision, majority: MajorityResult) -> str:
    t = {key: tr(msgid) for key, msgid in _EXPLANATIONS.items()}
    count = t["count"].format(yes=len(majority.yes), no=len(majority.no))
    asides = decision.stand_asides
    aside_note = (" " + _one_or_many(asides, t["stands_aside"], t["stand_aside"]).format(
        names=_list(asides))) if asides else ""
    if decision.outcome is Outcome.CONSENSUS:
        return t["consensus"]
    if decision.outcome is Outcome.CONSENSUS_WITH_STAND_ASIDES:
        return t["with_asides"] + aside_note
    if decision.outcome is Outcome.BLOCKED:
        who = _list(decision.blocks)
        if majority.passed:
            return _one_or_many(decision.blocks, t["blocked_one"], t["blocked_many"]).format(
                count=count, name=who, names=who)
        return t["blocked_fails"].format(names=who, count=count)
    # NO_DECISION
    why = []
    if decision.open_concerns:
        why.append(_one_or_many(decision.open_concerns, t["concern_open"], t["concerns_open"])
                   .format(name=_list(decision.open_concerns), names=_list(decision.open_concerns)))
    if decision.waiting_for:
        why.append(_one_or_many(decision.waiting_for, t["has_not"], t["have_not"])
                   .format(names=_list(decision.waiting_for)))
    if not why:
        why.append(t["no_support"])
    if majority.passed:
        return t["differ"].format(count=count, why=tr("; ").join(why)) + aside_note
    return t["neither"].format(count=count, why=tr("; ").join(why))


def compare(rnd: Round, concern_as: Vote = Vote.NO) -> Comparison:
    """Put consensus and a simple-majority vote side by side for one round.

    Returns a :class:`Comparison`: one row per participant (their response,
    their vote, and what that counts for under each method) and a sentence
    explaining where and why the two methods differ.
    """
    decision = decide(rnd)
    majority = majority_vote(rnd, concern_as=concern_as)
    # Every cell text is looked up on every call, so each is in the catalogue whichever applies.
    votes = {v: tr(v.value) for v in Vote}
    effects = {kind: (tr(c), tr(m)) for kind, (c, m) in _EFFECTS.items()}
    absent = (tr("(none yet)"), tr("(absent)"), tr("the decision waits for this response"),
              tr("absent, so not counted"))
    concern_abstains = tr("counted as an abstention; nothing makes the group address it")
    rows = []
    for p in rnd.participants:
        r = rnd.responses.get(p)
        if r is None:
            rows.append(ComparisonRow(tr(p), *absent))
            continue
        vote = votes[concern_as if r.kind is ResponseKind.CONCERN else DEFAULT_VOTES[r.kind]]
        c_eff, m_eff = effects[r.kind]
        if r.kind is ResponseKind.CONCERN and concern_as is Vote.ABSTAIN:
            m_eff = concern_abstains
        rows.append(ComparisonRow(tr(p), r.said, vote, c_eff, m_eff.format(vote=vote)))
    return Comparison(decision, majority, tuple(rows), _explain(decision, majority))


def round_figure(rnd: Round) -> AccessibleFigure:
    """A bar chart of one round's responses, with alt text that states the outcome."""
    kinds = list(ResponseKind)
    counts = [len(rnd.of(k)) for k in kinds]
    labels = [tr(k.value) for k in kinds] + [tr("no response")]
    counts.append(len(rnd.waiting_for))

    def draw(phone: bool):
        fig, ax = phone_figure(2.8) if phone else new_figure(6.0, 2.8)
        hatches = ("", "..", "//", "", "xx")  # block: solid dark bar; labels name every bar
        bars = ax.barh(labels, counts, color=[PALETTE[i] for i in (2, 4, 3, 0, 1)],
                       edgecolor="black", hatch=None)
        for bar, hatch, n in zip(bars, hatches, counts, strict=True):
            bar.set_hatch(hatch)
            ax.text(bar.get_width() + 0.05, bar.get_y() + bar.get_height() / 2, str(n),
                    va="center", fontsize=11)
        ax.invert_yaxis()
        ax.set_xlabel(tr("people"), fontsize=11 if phone else None)
        ax.set_xticks(range(0, max(counts) + 2))
        if phone:
            ax.tick_params(labelsize=11)
        ax.set_title(tr("Round {n}", n=rnd.number), fontsize=12)
        return fig

    fig = draw(phone=False)
    decision = decide(rnd)
    tally = tr(", ").join(tr("{n} {label}", n=n, label=lab) for n, lab in zip(counts, labels, strict=True) if n)
    outcomes = {o: tr(o.value) for o in Outcome}  # every outcome's name, so each is in the catalogue
    alt = tr("Bar chart of round {n} responses ({tally}): the outcome is {outcome}.",
             n=rnd.number, tally=tally, outcome=outcomes[decision.outcome])
    # The outcome's reasons quote the participants' own words (the lab's table shows them):
    # they are part of the English alt text; the Arabic one states the outcome and the counts.
    if not is_rtl():
        alt = joined([alt, *decision.reasons], " ")
    return show(fig, alt=alt, caption=tr("Responses in round {n}: {proposal}", n=rnd.number,
                                         proposal=tr(rnd.proposal)), phone=draw(phone=True))
