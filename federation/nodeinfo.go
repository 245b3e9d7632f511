package federation

// NodeInfo schema URLs, and FEP-2677's rel for the instance actor.
const (
	nodeInfo20Schema    = "http://nodeinfo.diaspora.software/ns/schema/2.0"
	nodeInfo21Schema    = "http://nodeinfo.diaspora.software/ns/schema/2.1"
	applicationActorRel = "https://www.w3.org/ns/activitystreams#Application"
	SoftwareName        = "convene"
	softwareRepository  = "https://github.com/convene-social/convene"
	softwareHomepage    = "https://github.com/convene-social/convene"
)

// NodeInfoUsage is the instance's activity, as NodeInfo reports it.
type NodeInfoUsage struct {
	Users          int
	ActiveMonth    int
	ActiveHalfyear int
	LocalPosts     int
}

// NodeInfoLinks is /.well-known/nodeinfo: both schema versions, and the instance actor.
func (u IRIs) NodeInfoLinks() map[string]any {
	return map[string]any{"links": []map[string]string{
		{"rel": nodeInfo20Schema, "href": u.base + "/nodeinfo/2.0"},
		{"rel": nodeInfo21Schema, "href": u.base + "/nodeinfo/2.1"},
		{"rel": applicationActorRel, "href": u.InstanceActor()},
	}}
}

// NodeInfo is the NodeInfo document in schema version "2.0" or "2.1" (2.1 adds the
// software's repository and homepage). Group-aware peers read software.name to decide how
// to talk to us.
func (u IRIs) NodeInfo(schema, version string, usage NodeInfoUsage, openRegistrations bool) map[string]any {
	software := map[string]any{"name": SoftwareName, "version": version}
	if schema == "2.1" {
		software["repository"] = softwareRepository
		software["homepage"] = softwareHomepage
	}
	return map[string]any{
		"version":           schema,
		"software":          software,
		"protocols":         []string{"activitypub"},
		"services":          map[string]any{"inbound": []string{}, "outbound": []string{}},
		"openRegistrations": openRegistrations,
		"usage": map[string]any{
			"users": map[string]int{
				"total": usage.Users, "activeMonth": usage.ActiveMonth, "activeHalfyear": usage.ActiveHalfyear,
			},
			"localPosts": usage.LocalPosts,
		},
		"metadata": map[string]any{"nodeName": u.domain},
	}
}
