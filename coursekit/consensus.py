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
        if self.kind is ResponseKind.BLOCK and not self.text:
            raise ConsensusError(
                f"{self.participant} blocks without a reason: a block stops the whole group, "
                "so the blocker must explain it (e.g. which shared principle or safety "
                "concern the proposal breaks)"
            )
        if self.kind is ResponseKind.CONCERN and not self.text:
            raise ConsensusError(
                f"{self.participant} raises a concern without saying what it is: "
                "give the concern as text so the group can address it"
            )

    def __str__(self) -> str:
        return f"{self.participant}: {self.kind.value}" + (f" ({self.text})" if self.text else "")


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
        if name not in self.participants:
            raise ConsensusError(_unknown(name, self.participants))
        if name in self.responses:
            if not replace:
                raise ConsensusError(
                    f"{name} has already responded in round {self.number} "
                    f"({self.responses[name].kind.value}); to record a change of mind, "
                    "pass replace=True"
                )
            self.changes.append(f"{name} changed from {self.responses[name].kind.value} "
                                f"to {response.kind.value}")
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
        lines = [f"Round {self.number}: {self.proposal}"]
        for p in self.participants:
            lines.append(f"  {self.responses[p]}" if p in self.responses
                         else f"  {p}: (no response yet)")
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
        return f"Round {self.round_number}: {self.outcome.value.upper()}. " + " ".join(self.reasons)

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
        verdict = "PASSES" if self.passed else "FAILS"
        extra = [f"{len(self.abstain)} abstain"] if self.abstain else []
        extra += [f"{len(self.absent)} not voting"] if self.absent else []
        tail = f" ({', '.join(extra)}; not counted)" if extra else ""
        return f"Majority vote: {verdict}, {len(self.yes)} yes to {len(self.no)} no{tail}."

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
        lines = []
        for rnd in self.rounds:
            if rnd.addresses:
                lines.append(f"Amendment addressing: {', '.join(rnd.addresses)}")
            lines.append(str(rnd))
            lines.extend(f"  Note: {c}" for c in rnd.changes)
            lines.append(f"  Outcome: {decide(rnd).outcome.value}")
        for rc in self.resolved_concerns():
            lines.append(f"Resolved: {rc.participant}'s concern from round {rc.raised_in} "
                         f"({rc.text}) was met in round {rc.resolved_in}.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"Meeting({len(self.participants)} participants, round {self.current.number}: "
                f"{self.current.proposal!r})")


def _list(names: Iterable[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _verb(items: Iterable[object], verb: str) -> str:
    """``agrees`` for one person, ``agree`` for several."""
    return verb + "s" if len(list(items)) == 1 else verb


def _possessive(names: tuple[str, ...], noun: str) -> str:
    """``Ben's concern`` or ``the concerns of Ben and Chiara``."""
    if len(names) == 1:
        return f"{names[0]}'s {noun}"
    return f"the {noun}s of {_list(names)}"


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
    if blocks:
        reasons = tuple(f"{r.participant} blocks: {r.text}." for r in blocks)
        reasons += ("A block stops the proposal however many others agree.",)
        return Decision(outcome=Outcome.BLOCKED, reasons=reasons, **common)
    reasons_nd: list[str] = []
    if waiting:
        reasons_nd.append(f"Still waiting for {_list(waiting)} to respond.")
    reasons_nd += [f"{r.participant}'s concern is open: {r.text}." for r in concerns]
    if not waiting and not concerns and not agrees:
        reasons_nd.append("Everyone stands aside, so no one supports the proposal.")
    if reasons_nd:
        return Decision(outcome=Outcome.NO_DECISION, reasons=tuple(reasons_nd), **common)
    if asides:
        reasons = (f"{_list(r.participant for r in agrees)} {_verb(agrees, 'agree')}; "
                   f"{_list(r.participant for r in asides)} {_verb(asides, 'stand')} aside "
                   "(minuted by name, not expected to carry out the decision).",)
        return Decision(outcome=Outcome.CONSENSUS_WITH_STAND_ASIDES, reasons=reasons, **common)
    return Decision(outcome=Outcome.CONSENSUS, reasons=("Everyone agrees.",), **common)


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


_EFFECTS = {
    ResponseKind.AGREE: ("supports the proposal", "a yes vote"),
    ResponseKind.CONCERN: ("must be addressed before the group can decide",
                           "counted as a {vote} vote; nothing makes the group address it"),
    ResponseKind.STAND_ASIDE: ("lets the group go ahead; minuted, not expected to take part",
                               "an abstention, which is not counted"),
    ResponseKind.BLOCK: ("stops the decision on its own",
                         "one no vote, which can be outvoted"),
}


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
        head = ("Participant", "Response", "Vote", "Under consensus", "Under majority")
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
        head = ("Participant", "Response", "Vote", "Under consensus", "Under majority")
        rows = "".join(
            "<tr>" + f'<th scope="row">{e(r.participant)}</th>'
            + "".join(f"<td>{e(c)}</td>" for c in (r.response, r.vote, r.under_consensus,
                                                   r.under_majority)) + "</tr>"
            for r in self.rows
        )
        return (
            '<div class="consensus-comparison">'
            f"<p><strong>Consensus:</strong> {e(str(self.decision))}<br>"
            f"<strong>Majority:</strong> {e(str(self.majority))}</p>"
            f"<table><caption>{e(self.explanation)}</caption><thead><tr>"
            + "".join(f'<th scope="col">{h}</th>' for h in head)
            + f"</tr></thead><tbody>{rows}</tbody></table></div>"
        )


def _explain(decision: Decision, majority: MajorityResult) -> str:
    count = f"{len(majority.yes)} to {len(majority.no)}"
    asides = decision.stand_asides
    aside_note = (f" {_list(asides)} {_verb(asides, 'stand')} aside: under consensus this is "
                  "minuted by name and does not stop the group; in the vote it counts as an "
                  "abstention, which does not change the count.") if asides else ""
    if decision.outcome is Outcome.CONSENSUS:
        return "Both methods agree: everyone supports the proposal, so the vote is unanimous too."
    if decision.outcome is Outcome.CONSENSUS_WITH_STAND_ASIDES:
        return "Both methods let the proposal go ahead." + aside_note
    if decision.outcome is Outcome.BLOCKED:
        who = _list(decision.blocks)
        if majority.passed:
            one = len(decision.blocks) == 1
            counted = "it counts as one no vote" if one else "they count as no votes"
            return (f"They differ: the vote passes {count}, but consensus is blocked. "
                    f"{_possessive(decision.blocks, 'block')} {'stops' if one else 'stop'} "
                    f"the proposal on its own; a majority vote has no block, so {counted}"
                    " and can be outvoted.")
        return (f"Neither goes ahead: consensus is blocked by {who}, and the vote fails "
                f"{count} as well.")
    # NO_DECISION
    why = []
    if decision.open_concerns:
        is_are = "is" if len(decision.open_concerns) == 1 else "are"
        it = "it" if len(decision.open_concerns) == 1 else "them"
        why.append(f"{_possessive(decision.open_concerns, 'concern')} {is_are} still open, "
                   f"and consensus asks the group to address {it} (for example by an "
                   "amendment) and test again")
    if decision.waiting_for:
        verb = "has" if len(decision.waiting_for) == 1 else "have"
        why.append(f"{_list(decision.waiting_for)} {verb} not responded, and consensus needs "
                   "everyone's response while a vote counts only those who vote")
    if not why:
        why.append("no one actively supports the proposal")
    if majority.passed:
        return (f"They differ: the vote passes {count}, but consensus has no decision yet: "
                + "; ".join(why) + "." + aside_note)
    return f"Neither goes ahead: the vote fails {count}, and for consensus " + "; ".join(why) + "."


def compare(rnd: Round, concern_as: Vote = Vote.NO) -> Comparison:
    """Put consensus and a simple-majority vote side by side for one round.

    Returns a :class:`Comparison`: one row per participant (their response,
    their vote, and what that counts for under each method) and a sentence
    explaining where and why the two methods differ.
    """
    decision = decide(rnd)
    majority = majority_vote(rnd, concern_as=concern_as)
    rows = []
    for p in rnd.participants:
        r = rnd.responses.get(p)
        if r is None:
            rows.append(ComparisonRow(p, "(none yet)", "(absent)",
                                      "the decision waits for this response",
                                      "absent, so not counted"))
            continue
        vote = (concern_as if r.kind is ResponseKind.CONCERN else DEFAULT_VOTES[r.kind]).value
        c_eff, m_eff = _EFFECTS[r.kind]
        if r.kind is ResponseKind.CONCERN and concern_as is Vote.ABSTAIN:
            m_eff = "counted as an abstention; nothing makes the group address it"
        rows.append(ComparisonRow(p, str(r).split(": ", 1)[1], vote, c_eff,
                                  m_eff.format(vote=vote)))
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
