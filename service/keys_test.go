package service_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/convene-social/convene/service"
)

func TestGenerateKeyPairMakesMatchingRSA2048Keys(t *testing.T) {
	keys, err := service.GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	pubBlock, _ := pem.Decode([]byte(keys.PublicKeyPEM))
	if pubBlock == nil || pubBlock.Type != "PUBLIC KEY" {
		t.Fatalf("public key PEM = %q", keys.PublicKeyPEM)
	}
	pub, err := x509.ParsePKIXPublicKey(pubBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	privBlock, _ := pem.Decode([]byte(keys.PrivateKeyPEM.PEM()))
	if privBlock == nil || privBlock.Type != "PRIVATE KEY" {
		t.Fatal("private key is not a PKCS#8 PEM block")
	}
	priv, err := x509.ParsePKCS8PrivateKey(privBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	rsaPriv := priv.(*rsa.PrivateKey)
	if rsaPriv.N.BitLen() != 2048 || !rsaPriv.PublicKey.Equal(pub) {
		t.Errorf("bits = %d, public matches = %v", rsaPriv.N.BitLen(), rsaPriv.PublicKey.Equal(pub))
	}
}

func TestPrivateKeysAreRedactedEverywhere(t *testing.T) {
	keys, err := sharedKeys()
	if err != nil {
		t.Fatal(err)
	}
	// A line from the middle of the private key's base64 body.
	secret := strings.Split(keys.PrivateKeyPEM.PEM(), "\n")[3]
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("keys", "keys", keys, "key", keys.PrivateKeyPEM)
	js, _ := json.Marshal(keys)
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", keys), "%+v": fmt.Sprintf("%+v", keys), "%#v": fmt.Sprintf("%#v", keys),
		"%s": fmt.Sprintf("%s", keys.PrivateKeyPEM), "slog": logged.String(), "json": string(js),
	} {
		if strings.Contains(out, "PRIVATE KEY") || strings.Contains(out, secret) {
			t.Errorf("%s shows the private key: %s", name, out)
		}
	}
}
