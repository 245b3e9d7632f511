package federation

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"

	"github.com/convene-social/convene"
)

// Keyring hands out the private keys local actors sign with, parsed once and kept in memory:
// parsing PEM on every delivery would cost more than the signature.
type Keyring struct {
	store convene.Store
	iris  IRIs
	mu    sync.Mutex
	keys  map[string]*rsa.PrivateKey // by actor IRI
}

// NewKeyring returns a Keyring reading keys from store.
func NewKeyring(store convene.Store, iris IRIs) *Keyring {
	return &Keyring{store: store, iris: iris, keys: map[string]*rsa.PrivateKey{}}
}

// SigningKey returns the keyId and private key of the local actor actorIRI.
func (k *Keyring) SigningKey(ctx context.Context, actorIRI string) (string, *rsa.PrivateKey, error) {
	keyID := k.iris.KeyID(actorIRI)
	k.mu.Lock()
	key, ok := k.keys[actorIRI]
	k.mu.Unlock()
	if ok {
		return keyID, key, nil
	}
	pemKey, err := k.loadPEM(ctx, actorIRI)
	if err != nil {
		return "", nil, err
	}
	if key, err = parsePrivateKey(pemKey.PEM()); err != nil {
		return "", nil, fmt.Errorf("key of %s: %w", actorIRI, err)
	}
	k.mu.Lock()
	k.keys[actorIRI] = key
	k.mu.Unlock()
	return keyID, key, nil
}

func (k *Keyring) loadPEM(ctx context.Context, actorIRI string) (convene.PrivateKey, error) {
	kind, name, ok := k.iris.LocalActor(actorIRI)
	if !ok {
		return "", fmt.Errorf("%s is not a local actor", actorIRI)
	}
	switch kind {
	case "instance":
		keys, _, err := k.store.FindInstanceKeys(ctx)
		return keys.PrivateKeyPEM, err
	case "person":
		a, err := k.store.FindAccountByUsername(ctx, name)
		if err != nil {
			return "", err
		}
		return k.store.FindPrivateKey(ctx, a.ID)
	}
	c, err := k.store.FindCommunityBySlug(ctx, name)
	if err != nil {
		return "", err
	}
	return k.store.FindPrivateKey(ctx, c.ID)
}

func parsePrivateKey(data string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(data))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rsaKey, nil
}

// parsePublicKey reads a peer's publicKeyPem: PKIX "PUBLIC KEY" (Mastodon, most peers) or
// PKCS#1 "RSA PUBLIC KEY" (Mobilizon).
func parsePublicKey(data string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(data))
	if block == nil {
		return nil, errors.New("no PEM block in publicKeyPem")
	}
	if block.Type == "RSA PUBLIC KEY" {
		return x509.ParsePKCS1PublicKey(block.Bytes)
	}
	return x509.ParsePKIXPublicKey(block.Bytes)
}
