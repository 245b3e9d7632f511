package federation

import (
	"strings"
	"testing"

	"github.com/convene-social/convene"
)

func TestParseWebFingerResource(t *testing.T) {
	u := NewIRIs("https", "convene.test")
	for resource, want := range map[string]WebFingerTarget{
		"acct:alice@convene.test":        {TargetNamed, "alice"},
		"acct:Alice@CONVENE.TEST":        {TargetNamed, "alice"},
		"alice@convene.test":             {TargetNamed, "alice"},
		"@alice@convene.test":            {TargetNamed, "alice"},
		"https://convene.test/u/alice":   {TargetNamed, "alice"},
		"https://convene.test/c/surrey":  {TargetNamed, "surrey"},
		"acct:convene.test@convene.test": {TargetInstance, "convene.test"},
		"acct:relay@convene.test":        {TargetInstance, "convene.test"},
		"https://convene.test/actor":     {TargetInstance, "convene.test"},
	} {
		got, err := u.ParseWebFingerResource(resource)
		if err != nil || got != want {
			t.Errorf("%q = %+v, %v; want %+v", resource, got, err, want)
		}
	}
	for _, resource := range []string{"", "acct:alice@elsewhere.example", "acct:alice", "acct:@convene.test",
		"https://elsewhere.example/u/alice", "https://convene.test/u/", "https://convene.test/u/a/b",
		"https://convene.test/p/123", "acct:a:b@convene.test", "acct:alice@convene.test@evil.example",
		strings.Repeat("a", 600) + "@convene.test"} {
		if got, err := u.ParseWebFingerResource(resource); err == nil {
			t.Errorf("%q accepted as %+v", resource, got)
		}
	}
}

func FuzzParseWebFingerResource(f *testing.F) {
	for _, seed := range []string{"acct:alice@convene.test", "https://convene.test/c/surrey", "acct:relay@convene.test",
		"acct:@", "@@", "acct:x@convene.test:8080", "https://convene.test/u/%00", "acct:alice@convene.test/../actor"} {
		f.Add(seed)
	}
	u := NewIRIs("https", "convene.test")
	f.Fuzz(func(t *testing.T, resource string) {
		got, err := u.ParseWebFingerResource(resource)
		if err != nil {
			return
		}
		if got.Kind == TargetNamed && convene.ValidateName("name", got.Name) != nil {
			t.Errorf("%q parsed to unsafe name %q", resource, got.Name)
		}
	})
}
