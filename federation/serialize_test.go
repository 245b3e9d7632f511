package federation

import (
	"encoding/json"
	"testing"

	"github.com/go-fed/activity/streams"
)

func TestSerializeEmitsArraysPeersExpect(t *testing.T) {
	c := streams.NewActivityStreamsOrderedCollection()
	items := streams.NewActivityStreamsOrderedItemsProperty()
	items.AppendIRI(mustParse("https://convene.test/u/alice"))
	c.SetActivityStreamsOrderedItems(items)
	to := streams.NewActivityStreamsToProperty()
	to.AppendIRI(mustParse("https://www.w3.org/ns/activitystreams#Public"))
	c.SetActivityStreamsTo(to)
	body, err := Serialize(c, map[string]any{"manuallyApprovesFollowers": true, "items": []string{"https://a.example/1"}})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["orderedItems"].([]any); !ok {
		t.Errorf("single orderedItems not an array: %s", body)
	}
	if _, ok := m["to"].([]any); !ok {
		t.Errorf("single to not an array: %s", body)
	}
	if items, _ := m["items"].([]any); len(items) != 1 || items[0] != "https://a.example/1" {
		t.Errorf("a string slice was wrapped again: %s", body)
	}
	if m["manuallyApprovesFollowers"] != true {
		t.Errorf("extra field lost: %s", body)
	}
	if ctx, ok := m["@context"].([]any); !ok || ctx[0] != "https://www.w3.org/ns/activitystreams" {
		t.Errorf("@context = %v", m["@context"])
	}
}
