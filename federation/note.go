package federation

import (
	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	"github.com/convene-social/convene"
)

// PostRefs is what a post's document points at besides the post itself.
type PostRefs struct {
	ThreadIRI string // the thread's root post
	ParentIRI string // the post it answers, empty for a thread
	Mentions  []string
}

// PostToNote renders a post as the Note peers show: title as name (Lemmy), full sanitized
// HTML content (Mastodon ignores content on other types), markdown source, inReplyTo, the
// community as audience and addressee, context (FEP-7888) and replies.
func (u IRIs) PostToNote(p *convene.Post, refs PostRefs) vocab.ActivityStreamsNote {
	n := streams.NewActivityStreamsNote()
	n.SetJSONLDId(idProperty(p.IRI))
	group := p.CommunityIRI
	attributedTo := streams.NewActivityStreamsAttributedToProperty()
	attributedTo.AppendIRI(mustParseRemote(p.AuthorIRI))
	n.SetActivityStreamsAttributedTo(attributedTo)
	if p.Title != "" {
		name := streams.NewActivityStreamsNameProperty()
		name.AppendXMLSchemaString(p.Title)
		n.SetActivityStreamsName(name)
	}
	content := streams.NewActivityStreamsContentProperty()
	content.AppendXMLSchemaString(p.Content)
	n.SetActivityStreamsContent(content)
	if p.Source != "" {
		n.SetActivityStreamsSource(markdownSource(p.Source))
	}
	if refs.ParentIRI != "" {
		inReplyTo := streams.NewActivityStreamsInReplyToProperty()
		inReplyTo.AppendIRI(mustParseRemote(refs.ParentIRI))
		n.SetActivityStreamsInReplyTo(inReplyTo)
	}
	audience := streams.NewActivityStreamsAudienceProperty()
	audience.AppendIRI(mustParseRemote(group))
	n.SetActivityStreamsAudience(audience)
	context := streams.NewActivityStreamsContextProperty()
	context.AppendIRI(mustParseRemote(refs.ThreadIRI + "/context"))
	n.SetActivityStreamsContext(context)
	replies := streams.NewActivityStreamsRepliesProperty()
	replies.SetIRI(mustParseRemote(p.IRI + "/replies"))
	n.SetActivityStreamsReplies(replies)
	u.addressPost(n, p, group, refs)
	setTimes(n, p)
	pageURL := streams.NewActivityStreamsUrlProperty()
	pageURL.AppendIRI(mustParseRemote(p.IRI))
	n.SetActivityStreamsUrl(pageURL)
	return n
}

// addressPost puts a public post in to:[Public] cc:[group, followers, mentioned], a
// community-only one in to:[group followers, group] only.
func (u IRIs) addressPost(n vocab.ActivityStreamsNote, p *convene.Post, group string, refs PostRefs) {
	to := streams.NewActivityStreamsToProperty()
	cc := streams.NewActivityStreamsCcProperty()
	tags := streams.NewActivityStreamsTagProperty()
	if p.Visibility == convene.VisibilityPublic {
		to.AppendIRI(mustParse(convene.PublicIRI))
		cc.AppendIRI(mustParseRemote(group))
		if u.IsLocal(group) {
			cc.AppendIRI(mustParse(u.Followers(group)))
		}
	} else {
		to.AppendIRI(mustParse(u.Followers(group)))
		to.AppendIRI(mustParse(group))
	}
	for _, m := range refs.Mentions {
		cc.AppendIRI(mustParseRemote(m))
		mention := streams.NewActivityStreamsMention()
		href := streams.NewActivityStreamsHrefProperty()
		href.Set(mustParseRemote(m))
		mention.SetActivityStreamsHref(href)
		tags.AppendActivityStreamsMention(mention)
	}
	n.SetActivityStreamsTo(to)
	n.SetActivityStreamsCc(cc)
	if tags.Len() > 0 {
		n.SetActivityStreamsTag(tags)
	}
}

func setTimes(n vocab.ActivityStreamsNote, p *convene.Post) {
	published := streams.NewActivityStreamsPublishedProperty()
	published.Set(p.PublishedAt.UTC())
	n.SetActivityStreamsPublished(published)
	if p.EditedAt != nil {
		updated := streams.NewActivityStreamsUpdatedProperty()
		updated.Set(p.EditedAt.UTC())
		n.SetActivityStreamsUpdated(updated)
	}
}

// markdownSource is {content, mediaType: text/markdown}, as Lemmy and Mastodon read source.
func markdownSource(md string) vocab.ActivityStreamsSourceProperty {
	obj := streams.NewActivityStreamsObject()
	content := streams.NewActivityStreamsContentProperty()
	content.AppendXMLSchemaString(md)
	obj.SetActivityStreamsContent(content)
	mediaType := streams.NewActivityStreamsMediaTypeProperty()
	mediaType.Set("text/markdown")
	obj.SetActivityStreamsMediaType(mediaType)
	source := streams.NewActivityStreamsSourceProperty()
	source.SetActivityStreamsObject(obj)
	return source
}

// tombstone is what a deleted post becomes.
func tombstone(iri string) vocab.ActivityStreamsTombstone {
	t := streams.NewActivityStreamsTombstone()
	t.SetJSONLDId(idProperty(iri))
	return t
}
