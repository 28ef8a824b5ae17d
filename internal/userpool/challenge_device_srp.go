package userpool

import (
	"context"
	"encoding/base64"
	"errors"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/srp"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER: a remembered device proves
// its random password by SRP, as a user proves theirs, with the device group
// key in place of the pool name and the device key in place of the username.
// The state travels in the sealed SECRET_BLOCK; each block carries one proof.

func init() {
	registerChallenge(signin.DeviceSRPAuth, challengeHandler{
		issue:   (*Service).deviceSRPChallenge,
		respond: (*Service).startDeviceProof,
	})
	registerChallenge(signin.DevicePasswordVerifier, challengeHandler{
		sealed:  secretBlock,
		open:    (*sessionSealer).openSecretBlock,
		respond: (*Service).completeDeviceProof,
	})
}

// deviceProof is DEVICE_PASSWORD_VERIFIER's payload.
type deviceProof struct {
	nextStep
	Exchange srp.Exchange `json:"x"`
}

func (s *Service) deviceSRPChallenge(_ context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	return s.challenge(a, u, signin.DeviceSRPAuth, next, map[string]string{"USERNAME": u.Username, "DEVICE_KEY": next.DeviceKey}), nil
}

// device is the remembered device a step is for; the answer must name it.
func (s *Service) device(ctx context.Context, a *attempt, u store.User, next nextStep) (store.Device, error) {
	if a.params["DEVICE_KEY"] != next.DeviceKey {
		return store.Device{}, errDeviceNotFound
	}
	d, err := s.store.GetDevice(ctx, a.pool.ID, u.Key, next.DeviceKey)
	return d, storeErr(err, errDeviceNotFound)
}

func (s *Service) startDeviceProof(ctx context.Context, a *attempt, cs challengeSession, _ []byte) (*AuthOutput, error) {
	var next nextStep
	u, err := s.factorUser(ctx, a, cs, &next)
	if err != nil {
		return nil, err
	}
	text, err := requireResponse(a.params, "SRP_A")
	if err != nil {
		return nil, err
	}
	bigA, ok := srp.ParseA(text)
	if !ok {
		return nil, invalidParameter("SRP_A is not a valid value")
	}
	d, err := s.device(ctx, a, u, next)
	if err != nil {
		return nil, err
	}
	v, err := deviceVerifier(d)
	if err != nil {
		return nil, err
	}
	ex, ok := srp.Begin(v, bigA)
	if !ok {
		return nil, awserr.Internal(errors.New("userpool: unreadable device verifier"))
	}
	block := s.session.sealRaw(s.openChallenge(a, u.Key, signin.DevicePasswordVerifier, deviceProof{nextStep: next, Exchange: ex}))
	return &AuthOutput{
		ChallengeName: string(signin.DevicePasswordVerifier),
		ChallengeParameters: map[string]string{
			"SALT":         v.Salt,
			"SRP_B":        ex.B,
			"SECRET_BLOCK": base64.StdEncoding.EncodeToString(block),
			"USERNAME":     u.Username,
			"DEVICE_KEY":   d.Key,
		},
	}, nil
}

// completeDeviceProof checks the device's claim.
func (s *Service) completeDeviceProof(ctx context.Context, a *attempt, cs challengeSession, block []byte) (*AuthOutput, error) {
	var proof deviceProof
	u, err := s.factorUser(ctx, a, cs, &proof)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
		if _, err := requireResponse(a.params, name); err != nil {
			return nil, err
		}
	}
	when, canonical, err := srp.ParseTimestamp(a.params["TIMESTAMP"])
	if err != nil {
		return nil, errSRPTimestampFormat
	}
	d, err := s.device(ctx, a, u, proof.nextStep)
	if err != nil {
		return nil, err
	}
	v, err := deviceVerifier(d)
	if err != nil {
		return nil, err
	}
	var proved bool
	claim := srp.Claim{PoolName: d.GroupKey, Username: d.Key, SecretBlock: block,
		Timestamp: a.params["TIMESTAMP"], Signature: a.params["PASSWORD_CLAIM_SIGNATURE"]}
	if err := s.checkOnWorker(ctx, func() error { return s.spendSession(ctx, "device", cs, block) },
		func() { proved = proof.Exchange.Verify(v, claim) }); err != nil {
		return nil, err
	}
	if !proved || !canonical || !srp.TimestampFresh(when, s.now()) {
		return nil, errIncorrectCredentials
	}
	return s.deviceProved(ctx, a, u, proof.nextStep)
}

// deviceProved goes on from a remembered device's proof: the device stands
// in for the second factor when the pool says so; otherwise the pool's MFA
// follows.
func (s *Service) deviceProved(ctx context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	if dc := a.pool.Config.DeviceConfiguration; dc != nil && dc.ChallengeRequiredOnNewDevice {
		return s.authenticated(ctx, a, u, next)
	}
	return s.secondFactor(ctx, a, u, next)
}
