// Package federation is Convene's ActivityPub side: AS2 ↔ domain converters built on go-fed
// streams/vocab, the one Serialize, the IRI layout, HTTP signatures (go-fed httpsig), the
// SSRF-safe fetcher and remote-actor cache, the inbox pipeline, outbox fan-out and delivery
// workers, WebFinger and NodeInfo. It may import the domain and the service layer, never db
// or handlers; nothing else imports go-fed.
//
// The foundation only needs its place in the layout; the federation issue fills it.
package federation
