package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/srp"
	"github.com/moat-dev/moat/internal/store"
)

// Device tracking, as Cognito's DeviceConfiguration turns it on. A sign-in
// without a device names a new one (NewDeviceMetadata) whose key goes in the
// access token; ConfirmDevice with that token stores the device's SRP
// verifier. A sign-in naming a remembered device (DEVICE_KEY) proves it with
// DEVICE_SRP_AUTH, which replaces the second factor when the pool's
// ChallengeRequiredOnNewDevice says so.

// deviceRecord is what is kept of a device (store.Device.Record).
type deviceRecord struct {
	Name       string `json:"name,omitempty"`
	Salt       string `json:"salt"` // hex, as srp.Verifier
	Verifier   string `json:"v"`
	Remembered bool   `json:"remembered,omitempty"`
	LastIP     string `json:"ip,omitempty"`
}

var (
	errDeviceNotFound   = awserr.New(awserr.ResourceNotFound, "Device does not exist.")
	errDeviceKeyExists  = awserr.New("DeviceKeyExistsException", "Device key already exists.")
	errDevicesNotTraced = awserr.New(awserr.InvalidUserPoolConf, "Device tracking is not enabled for this user pool: set DeviceConfiguration with UpdateUserPool.")
)

func (p *pool) tracksDevices() bool { return p.Config.DeviceConfiguration != nil }

// newDeviceMetadata names a device for a sign-in. Its group key is derived
// from its key, so nothing is stored until the device is confirmed.
func (s *Service) newDeviceMetadata(p *pool) *NewDeviceMetadata {
	key := s.region + "_" + uuid.NewString()
	return &NewDeviceMetadata{DeviceKey: key, DeviceGroupKey: s.deviceGroupKey(p, key)}
}

func (s *Service) deviceGroupKey(p *pool, deviceKey string) string {
	m := hmac.New(sha256.New, s.codeKey)
	m.Write([]byte("device-group\x00" + p.ID + "\x00" + deviceKey))
	return "-" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:9]
}

func decodeDevice(d store.Device) (deviceRecord, error) {
	var r deviceRecord
	if err := json.Unmarshal(d.Record, &r); err != nil {
		return r, awserr.Internal(err)
	}
	return r, nil
}

// namedDevice is the device a sign-in names (DEVICE_KEY) when the pool
// tracks devices: the user's, or ResourceNotFoundException (clients then
// sign in again without it); ok is false when none is named.
func (s *Service) namedDevice(ctx context.Context, a *attempt, u store.User) (store.Device, bool, error) {
	key := a.params["DEVICE_KEY"]
	if key == "" || !a.pool.tracksDevices() {
		return store.Device{}, false, nil
	}
	d, err := s.store.GetDevice(ctx, a.pool.ID, u.Key, key)
	if err != nil {
		return store.Device{}, false, storeErr(err, errDeviceNotFound)
	}
	return d, true, nil
}

// rememberedDevice is the named device when it is remembered: the sign-in
// goes on with DEVICE_SRP_AUTH.
func (s *Service) rememberedDevice(ctx context.Context, a *attempt, u store.User) (store.Device, bool, error) {
	d, ok, err := s.namedDevice(ctx, a, u)
	if !ok || err != nil {
		return d, false, err
	}
	r, err := decodeDevice(d)
	return d, r.Remembered, err
}

// trackedDevice is the key of the named device (a tracked device that is
// not remembered), for the tokens: no new device is named for it.
func (s *Service) trackedDevice(ctx context.Context, a *attempt, u store.User) string {
	if d, ok, err := s.namedDevice(ctx, a, u); ok && err == nil {
		return d.Key
	}
	return ""
}

// deviceSignedIn records a sign-in from a device: when and from where.
func (s *Service) deviceSignedIn(ctx context.Context, a *attempt, u store.User, key string) error {
	err := s.store.UpdateDevice(ctx, a.pool.ID, u.Key, key, func(d store.Device) (store.Device, error) {
		r, err := decodeDevice(d)
		if err != nil {
			return d, err
		}
		if a.call.Caller.IsValid() {
			r.LastIP = a.call.Caller.String()
		}
		d.Record, _ = json.Marshal(r)
		d.LastAuthenticatedAt = s.clock()
		return d, nil
	})
	if errors.Is(err, store.ErrNotFound) { // named but not confirmed yet
		return nil
	}
	return storeErr(err, nil)
}

// DeviceSecretVerifierConfig is DeviceSecretVerifierConfigType: the SRP
// verifier and salt of the device's random password, in base64.
type DeviceSecretVerifierConfig struct {
	PasswordVerifier string `json:"PasswordVerifier"`
	Salt             string `json:"Salt"`
}

type ConfirmDeviceInput struct {
	AccessToken                string                      `json:"AccessToken"`
	DeviceKey                  string                      `json:"DeviceKey"`
	DeviceSecretVerifierConfig *DeviceSecretVerifierConfig `json:"DeviceSecretVerifierConfig,omitempty"`
	DeviceName                 string                      `json:"DeviceName,omitempty"`
}

type ConfirmDeviceOutput struct {
	UserConfirmationNecessary bool `json:"UserConfirmationNecessary"`
}

// ConfirmDevice stores the device the access token's sign-in named. It is
// remembered at once unless the pool remembers devices only when the user
// asks (UpdateDeviceStatus).
func (s *Service) ConfirmDevice(ctx context.Context, in *ConfirmDeviceInput) (*ConfirmDeviceOutput, error) {
	p, u, claims, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if !p.tracksDevices() {
		return nil, errDevicesNotTraced
	}
	if in.DeviceKey == "" || claims.Raw["device_key"] != in.DeviceKey {
		return nil, errDeviceNotFound
	}
	v, err := in.DeviceSecretVerifierConfig.verifier()
	if err != nil {
		return nil, err
	}
	prompt := p.Config.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt
	record, _ := json.Marshal(deviceRecord{Name: in.DeviceName, Salt: v.Salt, Verifier: v.V, Remembered: !prompt})
	now := s.clock()
	err = s.store.CreateDevice(ctx, store.Device{PoolID: p.ID, UserKey: u.Key, Key: in.DeviceKey, GroupKey: s.deviceGroupKey(p, in.DeviceKey),
		Record: record, CreatedAt: now, UpdatedAt: now, LastAuthenticatedAt: now})
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, errDeviceKeyExists
	}
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	return &ConfirmDeviceOutput{UserConfirmationNecessary: prompt}, nil
}

// verifier reads the device's verifier into the form srp computes with.
func (c *DeviceSecretVerifierConfig) verifier() (srp.Verifier, error) {
	if c == nil {
		return srp.Verifier{}, invalidParameter("DeviceSecretVerifierConfig is required: the device's SRP PasswordVerifier and Salt, in base64.")
	}
	salt, err1 := base64.StdEncoding.DecodeString(c.Salt)
	v, err2 := base64.StdEncoding.DecodeString(c.PasswordVerifier)
	if err1 != nil || err2 != nil || len(salt) == 0 || len(salt) > 64 || len(v) == 0 || len(v) > 2*len(srp.N.Bytes()) {
		return srp.Verifier{}, invalidParameter("DeviceSecretVerifierConfig.PasswordVerifier and Salt must be the verifier and salt in base64.")
	}
	vi := new(big.Int).SetBytes(v)
	if vi.Sign() == 0 || vi.Cmp(srp.N) >= 0 {
		return srp.Verifier{}, invalidParameter("DeviceSecretVerifierConfig.PasswordVerifier is not a valid SRP verifier.")
	}
	return srp.Verifier{Salt: new(big.Int).SetBytes(salt).Text(16), V: vi.Text(16)}, nil
}

// DeviceType is Cognito's DeviceType.
type DeviceType struct {
	DeviceKey                   string          `json:"DeviceKey"`
	DeviceAttributes            []AttributeType `json:"DeviceAttributes"`
	DeviceCreateDate            float64         `json:"DeviceCreateDate"`
	DeviceLastModifiedDate      float64         `json:"DeviceLastModifiedDate"`
	DeviceLastAuthenticatedDate float64         `json:"DeviceLastAuthenticatedDate"`
}

func deviceType(d store.Device) (DeviceType, error) {
	r, err := decodeDevice(d)
	if err != nil {
		return DeviceType{}, err
	}
	status := "not_remembered"
	if r.Remembered {
		status = "remembered"
	}
	attrs := []AttributeType{{Name: "device_status", Value: "valid"}, {Name: "dev:device_remembered_status", Value: status}}
	if r.Name != "" {
		attrs = append(attrs, AttributeType{Name: "device_name", Value: r.Name})
	}
	if r.LastIP != "" {
		attrs = append(attrs, AttributeType{Name: "last_ip_used", Value: r.LastIP})
	}
	return DeviceType{DeviceKey: d.Key, DeviceAttributes: attrs, DeviceCreateDate: float64(d.CreatedAt),
		DeviceLastModifiedDate: float64(d.UpdatedAt), DeviceLastAuthenticatedDate: float64(d.LastAuthenticatedAt)}, nil
}

// deviceUser is whose devices an operation is about: the access token's
// user, or the one an administrator names.
func (s *Service) deviceUser(ctx context.Context, accessToken string, admin *UserRef) (*pool, store.User, error) {
	if admin != nil {
		return s.adminUser(ctx, admin.UserPoolId, admin.Username)
	}
	p, u, _, err := s.accessTokenUser(ctx, accessToken)
	return p, u, err
}

type DeviceInput struct {
	AccessToken string `json:"AccessToken,omitempty"`
	DeviceKey   string `json:"DeviceKey"`
}

type AdminDeviceInput struct {
	UserRef
	DeviceKey string `json:"DeviceKey"`
}

type GetDeviceOutput struct {
	Device DeviceType `json:"Device"`
}

func (s *Service) GetDevice(ctx context.Context, in *DeviceInput) (*GetDeviceOutput, error) {
	return s.getDevice(ctx, in.AccessToken, nil, in.DeviceKey)
}

func (s *Service) AdminGetDevice(ctx context.Context, in *AdminDeviceInput) (*GetDeviceOutput, error) {
	return s.getDevice(ctx, "", &in.UserRef, in.DeviceKey)
}

func (s *Service) getDevice(ctx context.Context, token string, admin *UserRef, key string) (*GetDeviceOutput, error) {
	p, u, err := s.deviceUser(ctx, token, admin)
	if err != nil {
		return nil, err
	}
	d, err := s.store.GetDevice(ctx, p.ID, u.Key, key)
	if err != nil {
		return nil, storeErr(err, errDeviceNotFound)
	}
	dt, err := deviceType(d)
	return &GetDeviceOutput{Device: dt}, err
}

type ListDevicesInput struct {
	AccessToken     string `json:"AccessToken"`
	Limit           int    `json:"Limit,omitempty"`
	PaginationToken string `json:"PaginationToken,omitempty"`
}

type AdminListDevicesInput struct {
	UserRef
	Limit           int    `json:"Limit,omitempty"`
	PaginationToken string `json:"PaginationToken,omitempty"`
}

type ListDevicesOutput struct {
	Devices         []DeviceType `json:"Devices"`
	PaginationToken string       `json:"PaginationToken,omitempty"`
}

func (s *Service) ListDevices(ctx context.Context, in *ListDevicesInput) (*ListDevicesOutput, error) {
	return s.listDevices(ctx, in.AccessToken, nil, in.Limit, in.PaginationToken)
}

func (s *Service) AdminListDevices(ctx context.Context, in *AdminListDevicesInput) (*ListDevicesOutput, error) {
	return s.listDevices(ctx, "", &in.UserRef, in.Limit, in.PaginationToken)
}

func (s *Service) listDevices(ctx context.Context, token string, admin *UserRef, limit int, from string) (*ListDevicesOutput, error) {
	p, u, err := s.deviceUser(ctx, token, admin)
	if err != nil {
		return nil, err
	}
	if limit < 0 || limit > 60 {
		return nil, invalidParameter("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 0 and 60", limit)
	}
	if limit == 0 {
		limit = 60
	}
	all, err := s.store.ListDevices(ctx, p.ID, u.Key)
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	page, next, err := paginate(all, func(d store.Device) string { return d.Key }, from, limit)
	if err != nil {
		return nil, err
	}
	out := &ListDevicesOutput{Devices: make([]DeviceType, 0, len(page)), PaginationToken: next}
	for _, d := range page {
		dt, err := deviceType(d)
		if err != nil {
			return nil, err
		}
		out.Devices = append(out.Devices, dt)
	}
	return out, nil
}

type UpdateDeviceStatusInput struct {
	DeviceInput
	DeviceRememberedStatus string `json:"DeviceRememberedStatus,omitempty"`
}

type AdminUpdateDeviceStatusInput struct {
	AdminDeviceInput
	DeviceRememberedStatus string `json:"DeviceRememberedStatus,omitempty"`
}

func (s *Service) UpdateDeviceStatus(ctx context.Context, in *UpdateDeviceStatusInput) (*Empty, error) {
	return s.updateDeviceStatus(ctx, in.AccessToken, nil, in.DeviceKey, in.DeviceRememberedStatus)
}

func (s *Service) AdminUpdateDeviceStatus(ctx context.Context, in *AdminUpdateDeviceStatusInput) (*Empty, error) {
	return s.updateDeviceStatus(ctx, "", &in.UserRef, in.DeviceKey, in.DeviceRememberedStatus)
}

func (s *Service) updateDeviceStatus(ctx context.Context, token string, admin *UserRef, key, status string) (*Empty, error) {
	if status != "remembered" && status != "not_remembered" {
		return nil, invalidParameter("1 validation error detected: Value '%s' at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]", status)
	}
	p, u, err := s.deviceUser(ctx, token, admin)
	if err != nil {
		return nil, err
	}
	err = s.store.UpdateDevice(ctx, p.ID, u.Key, key, func(d store.Device) (store.Device, error) {
		r, err := decodeDevice(d)
		if err != nil {
			return d, err
		}
		r.Remembered = status == "remembered"
		d.Record, _ = json.Marshal(r)
		d.UpdatedAt = s.clock()
		return d, nil
	})
	return &Empty{}, storeErr(err, errDeviceNotFound)
}

func (s *Service) ForgetDevice(ctx context.Context, in *DeviceInput) (*Empty, error) {
	return s.forgetDevice(ctx, in.AccessToken, nil, in.DeviceKey)
}

func (s *Service) AdminForgetDevice(ctx context.Context, in *AdminDeviceInput) (*Empty, error) {
	return s.forgetDevice(ctx, "", &in.UserRef, in.DeviceKey)
}

func (s *Service) forgetDevice(ctx context.Context, token string, admin *UserRef, key string) (*Empty, error) {
	p, u, err := s.deviceUser(ctx, token, admin)
	if err != nil {
		return nil, err
	}
	return &Empty{}, storeErr(s.store.DeleteDevice(ctx, p.ID, u.Key, key), errDeviceNotFound)
}

// deviceVerifier is a stored device's SRP verifier.
func deviceVerifier(d store.Device) (srp.Verifier, error) {
	r, err := decodeDevice(d)
	if err != nil {
		return srp.Verifier{}, err
	}
	return srp.Verifier{Salt: r.Salt, V: r.Verifier}, nil
}
