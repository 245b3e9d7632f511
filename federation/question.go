package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// A post with a poll is a Question, as Mastodon writes one: the Note's every field (name,
// content, context, audience, addressing), plus oneOf (single choice) or anyOf (multiple)
// options, each {type: Note, name, replies: {type: Collection, totalItems}}, endTime,
// closed (when it ended, as a time) and votersCount. Lemmy and Convene peers read the
// fields they know and still see the thread. go-fed v1.0.0 has Question but no votersCount,
// and no way to embed options' reply counts, so the poll is added to the serialized map.

// addPoll makes a post's serialized Note a Question if the post has a poll.
func (r *Renderer) addPoll(ctx context.Context, note map[string]any, p *convene.Post) error {
	poll, err := r.store.FindPoll(ctx, p.ID)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("render poll of %s: %w", p.IRI, err)
	}
	// Counts the author hid stay hidden until the end: peers have no hide_totals and would
	// show them.
	hidden := poll.HideTotals && !poll.Closed
	options := make([]any, 0, len(poll.Options))
	for _, o := range poll.Options {
		count := o.VotesCount
		if hidden {
			count = 0
		}
		options = append(options, map[string]any{"type": "Note", "name": o.Title,
			"replies": map[string]any{"type": "Collection", "totalItems": count}})
	}
	note["type"] = "Question"
	if poll.Multiple {
		note["anyOf"] = options
	} else {
		note["oneOf"] = options
	}
	if poll.ExpiresAt != nil {
		note["endTime"] = poll.ExpiresAt.UTC().Format(time.RFC3339)
		if poll.Closed {
			note["closed"] = note["endTime"]
		}
	}
	if !hidden {
		note["votersCount"] = poll.VotersCount
	}
	return nil
}

// isVote reports whether an outbox object IRI is a local voter's vote Note.
func isVote(iri string) bool { return strings.HasSuffix(iri, service.VoteFragment) }

// voteNote renders a local voter's vote as Mastodon sends one: a Note by the voter, named
// after the option chosen, in reply to the Question, addressed to its author only, without
// content.
func (r *Renderer) voteNote(ctx context.Context, iri string) (vocab.ActivityStreamsNote, error) {
	v, err := r.store.FindPollVoteByIRI(ctx, iri)
	if err != nil {
		return nil, fmt.Errorf("render vote %s: %w", iri, err)
	}
	p, err := r.store.FindPostByID(ctx, v.PostID)
	if err != nil {
		return nil, fmt.Errorf("render vote %s: %w", iri, err)
	}
	poll, err := r.store.FindPoll(ctx, v.PostID)
	if err != nil {
		return nil, fmt.Errorf("render vote %s: %w", iri, err)
	}
	if v.Position >= len(poll.Options) {
		return nil, fmt.Errorf("render vote %s: no option %d", iri, v.Position)
	}
	n := streams.NewActivityStreamsNote()
	n.SetJSONLDId(idProperty(v.IRI))
	name := streams.NewActivityStreamsNameProperty()
	name.AppendXMLSchemaString(poll.Options[v.Position].Title)
	n.SetActivityStreamsName(name)
	attributedTo := streams.NewActivityStreamsAttributedToProperty()
	attributedTo.AppendIRI(mustParseRemote(v.Voter))
	n.SetActivityStreamsAttributedTo(attributedTo)
	inReplyTo := streams.NewActivityStreamsInReplyToProperty()
	inReplyTo.AppendIRI(mustParseRemote(p.IRI))
	n.SetActivityStreamsInReplyTo(inReplyTo)
	to := streams.NewActivityStreamsToProperty()
	to.AppendIRI(mustParseRemote(p.AuthorIRI))
	n.SetActivityStreamsTo(to)
	return n, nil
}

// maxRemoteOptionChars bounds a remote poll's option as kept: more than our own options'
// limit (convene.PollMaxOptionChars, Mastodon's), since other servers allow longer ones.
const maxRemoteOptionChars = 200

// questionDoc is the poll part of a remote Question.
type questionDoc struct {
	OneOf       []questionOption `json:"oneOf"`
	AnyOf       []questionOption `json:"anyOf"`
	EndTime     *time.Time       `json:"endTime"`
	Closed      json.RawMessage  `json:"closed"` // a time (Mastodon), or true
	VotersCount *int             `json:"votersCount"`
}

type questionOption struct {
	Name    string `json:"name"`
	Replies struct {
		TotalItems int `json:"totalItems"`
	} `json:"replies"`
}

// maxRemoteOptions bounds a remote poll (Mastodon accepts up to 500; nobody reads that many).
const maxRemoteOptions = 20

// pollFrom reads the poll of a remote Question: its options with the counts its author
// reports, whether it is multiple-choice, when it ends and whether it ended.
func pollFrom(body []byte) *convene.Poll {
	var q questionDoc
	if err := json.Unmarshal(body, &q); err != nil {
		return nil
	}
	options, multiple := q.OneOf, false
	if len(options) == 0 {
		options, multiple = q.AnyOf, true
	}
	if len(options) == 0 {
		return nil
	}
	p := &convene.Poll{Multiple: multiple, ExpiresAt: q.EndTime}
	if p.ExpiresAt != nil {
		t := p.ExpiresAt.UTC().Truncate(time.Microsecond)
		p.ExpiresAt = &t
	}
	closed := strings.TrimSpace(string(q.Closed))
	p.Closed = closed != "" && closed != "null" && closed != "false"
	total := 0
	for i, o := range options[:min(len(options), maxRemoteOptions)] {
		count := max(o.Replies.TotalItems, 0)
		p.Options = append(p.Options, convene.PollOption{Position: i, Title: cutRunes(strings.TrimSpace(o.Name), maxRemoteOptionChars), VotesCount: count})
		total += count
	}
	switch {
	case q.VotersCount != nil:
		p.VotersCount = max(*q.VotersCount, 0)
	case !multiple:
		p.VotersCount = total // one vote per voter
	}
	return p
}

// applyVote counts a vote Note (a Create{Note} with a name, in reply to a local post and
// without content, Mastodon's shape) and reports whether it was one: a vote on a local poll
// is never filed as a reply.
func (in *Inbox) applyVote(ctx context.Context, body []byte, actor string) (bool, error) {
	var n noteDoc
	if err := json.Unmarshal(body, &n); err != nil || n.Type != "Note" {
		return false, nil
	}
	if n.Name == "" || n.InReplyTo.ID == "" || strings.TrimSpace(PlainText(SanitizeHTML(n.Content))) != "" ||
		!in.iris.IsLocal(n.InReplyTo.ID) || !isHTTPURL(n.ID) || hostOf(n.ID) != hostOf(actor) ||
		len(n.AttributedTo) == 0 || n.AttributedTo[0] != actor {
		return false, nil
	}
	return in.svc.ReceivePollVote(ctx, service.RemoteVote{IRI: n.ID, Voter: actor, Question: n.InReplyTo.ID, Name: n.Name})
}
