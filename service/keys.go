package service

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/convene-social/convene"
)

// actorKeyBits is the size of actor keys. Mastodon and every peer we federate with verify
// RSA-2048 signatures; larger keys only cost time on every signed request.
const actorKeyBits = 2048

// GenerateKeyPair makes an RSA-2048 key pair for an actor: the public key as a PKIX
// "PUBLIC KEY" PEM block (what publicKeyPem carries in ActivityPub), the private key as PKCS#8.
func GenerateKeyPair() (convene.KeyPair, error) {
	key, err := rsa.GenerateKey(rand.Reader, actorKeyBits)
	if err != nil {
		return convene.KeyPair{}, fmt.Errorf("generate key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return convene.KeyPair{}, fmt.Errorf("marshal public key: %w", err)
	}
	priv, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return convene.KeyPair{}, fmt.Errorf("marshal private key: %w", err)
	}
	return convene.KeyPair{
		PublicKeyPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		PrivateKeyPEM: convene.PrivateKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})),
	}, nil
}
