package federation

import (
	"github.com/go-fed/activity/streams"
)

// CollectionToAS renders an OrderedCollection that is paged: only its size and first page.
func CollectionToAS(id string, total int, first string) ([]byte, error) {
	c := streams.NewActivityStreamsOrderedCollection()
	c.SetJSONLDId(idProperty(id))
	totalItems := streams.NewActivityStreamsTotalItemsProperty()
	totalItems.Set(total)
	c.SetActivityStreamsTotalItems(totalItems)
	firstPage := streams.NewActivityStreamsFirstProperty()
	firstPage.SetIRI(mustParse(first))
	c.SetActivityStreamsFirst(firstPage)
	return Serialize(c, nil)
}

// FullCollectionToAS renders a small OrderedCollection with all its items inline
// (moderators, featured).
func FullCollectionToAS(id string, items []string) ([]byte, error) {
	c := streams.NewActivityStreamsOrderedCollection()
	c.SetJSONLDId(idProperty(id))
	totalItems := streams.NewActivityStreamsTotalItemsProperty()
	totalItems.Set(len(items))
	c.SetActivityStreamsTotalItems(totalItems)
	ordered := streams.NewActivityStreamsOrderedItemsProperty()
	for _, item := range items {
		ordered.AppendIRI(mustParseRemote(item))
	}
	c.SetActivityStreamsOrderedItems(ordered)
	return Serialize(c, map[string]any{"orderedItems": nonNil(items)})
}

// CollectionPageToAS renders one page of a collection; next is empty on the last page.
func CollectionPageToAS(id, partOf string, total int, items []string, next string) ([]byte, error) {
	p := streams.NewActivityStreamsOrderedCollectionPage()
	p.SetJSONLDId(idProperty(id))
	partOfProp := streams.NewActivityStreamsPartOfProperty()
	partOfProp.SetIRI(mustParse(partOf))
	p.SetActivityStreamsPartOf(partOfProp)
	totalItems := streams.NewActivityStreamsTotalItemsProperty()
	totalItems.Set(total)
	p.SetActivityStreamsTotalItems(totalItems)
	if next != "" {
		nextProp := streams.NewActivityStreamsNextProperty()
		nextProp.SetIRI(mustParse(next))
		p.SetActivityStreamsNext(nextProp)
	}
	// An empty page still says orderedItems: [] (go-fed drops empty properties).
	return Serialize(p, map[string]any{"orderedItems": nonNil(items)})
}

func nonNil(items []string) []string {
	if items == nil {
		return []string{}
	}
	return items
}

// CountCollectionToAS renders an OrderedCollection that states only its size: the
// attendees of an event, whose names are the attendees' own business.
func CountCollectionToAS(id string, total int) ([]byte, error) {
	c := streams.NewActivityStreamsOrderedCollection()
	c.SetJSONLDId(idProperty(id))
	totalItems := streams.NewActivityStreamsTotalItemsProperty()
	totalItems.Set(total)
	c.SetActivityStreamsTotalItems(totalItems)
	return Serialize(c, nil)
}
