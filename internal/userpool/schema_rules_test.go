package userpool

import (
	"context"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// Schema refusals carry AWS's messages.
func TestSchemaRules(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	str := func(v string) *string { return &v }
	for _, c := range []struct {
		attr    SchemaAttribute
		message string
	}{
		{SchemaAttribute{Name: "tier", AttributeDataType: "String", StringAttributeConstraints: &StringAttributeConstraints{MinLength: str("10"), MaxLength: str("5")}},
			"user.custom:tier: Max length cannot be less than min length."},
		{SchemaAttribute{Name: "tier", AttributeDataType: "String", StringAttributeConstraints: &StringAttributeConstraints{MaxLength: str("4096")}},
			"user.custom:tier: String attributes cannot have a length of more than 2048"},
		{SchemaAttribute{Name: "tier", AttributeDataType: "String", StringAttributeConstraints: &StringAttributeConstraints{MaxLength: str("ten")}},
			"Invalid StringAttributeConstraints for schema attribute custom:tier"},
		{SchemaAttribute{Name: "age", AttributeDataType: "Number", NumberAttributeConstraints: &NumberAttributeConstraints{MinValue: str("9"), MaxValue: str("1")}},
			"user.custom:age: Max value cannot be less than min value."},
		{SchemaAttribute{Name: "age", AttributeDataType: "Number", NumberAttributeConstraints: &NumberAttributeConstraints{MinValue: str("x")}},
			"Invalid NumberAttributeConstraints for schema attribute custom:age"},
		{SchemaAttribute{Name: "tier"}, "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."},
		{SchemaAttribute{Name: "email", AttributeDataType: "Number"}, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{SchemaAttribute{Name: "email", DeveloperOnlyAttribute: boolPtr(true)}, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{SchemaAttribute{Name: "tier", AttributeDataType: "String", NumberAttributeConstraints: &NumberAttributeConstraints{MinValue: str("1")}},
			"custom:tier: NumberAttributeConstraints apply to Number attributes only; this attribute is String."},
		{SchemaAttribute{Name: "tier", AttributeDataType: "String", Required: boolPtr(true)}, "Required custom attributes are not supported currently."},
	} {
		_, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p", PoolConfig: PoolConfig{Schema: []SchemaAttribute{c.attr}}})
		wantCode(t, err, awserr.InvalidParameter, c.message)
	}

	// Developer-only attributes are named dev:custom:; AddCustomAttributes
	// checks as CreateUserPool does and refuses a name the pool has.
	pool, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p", PoolConfig: PoolConfig{Schema: []SchemaAttribute{
		{Name: "secret", AttributeDataType: "String", DeveloperOnlyAttribute: boolPtr(true)}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := pool.UserPool.Id
	if _, err := s.AddCustomAttributes(ctx, &AddCustomAttributesInput{UserPoolId: id, CustomAttributes: []SchemaAttribute{{Name: "plan", AttributeDataType: "String"}}}); err != nil {
		t.Fatal(err)
	}
	_, err = s.AddCustomAttributes(ctx, &AddCustomAttributesInput{UserPoolId: id, CustomAttributes: []SchemaAttribute{{Name: "plan", AttributeDataType: "String"}}})
	wantCode(t, err, awserr.InvalidParameter, "custom:plan: Existing attribute already has name custom:plan.")
	_, err = s.AddCustomAttributes(ctx, &AddCustomAttributesInput{UserPoolId: id, CustomAttributes: []SchemaAttribute{{Name: "n"}}})
	wantCode(t, err, awserr.InvalidParameter, "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
	desc, err := s.DescribeUserPool(ctx, &DescribeUserPoolInput{UserPoolId: id})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, a := range desc.UserPool.SchemaAttributes {
		names[a.Name] = true
	}
	if !names["dev:custom:secret"] || !names["custom:plan"] || names["custom:n"] {
		t.Fatalf("schema names %v", names)
	}

	// Booleans in any case are stored as true/false; deleting attributes the
	// schema lacks names each of them.
	if _, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: id, Username: "bo", MessageAction: "SUPPRESS",
		UserAttributes: []AttributeType{{Name: "email", Value: "bo@example.com"}, {Name: "email_verified", Value: "True"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: id, Username: "bo"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got.UserAttributes {
		if a.Name == "email_verified" && a.Value != "true" {
			t.Fatalf("email_verified stored as %q", a.Value)
		}
	}
	if _, err := s.AdminUpdateUserAttributes(ctx, &AdminUpdateUserAttributesInput{UserPoolId: id, Username: "bo",
		UserAttributes: []AttributeType{{Name: "email_verified", Value: "FALSE"}}}); err != nil {
		t.Fatalf("FALSE: %v", err)
	}
	_, err = s.AdminDeleteUserAttributes(ctx, &AdminDeleteUserAttributesInput{UserPoolId: id, Username: "bo", UserAttributeNames: []string{"custom:nope", "shoe_size"}})
	wantCode(t, err, awserr.InvalidParameter, "Invalid user attributes: user.custom:nope: Attribute does not exist in the schema.\nuser.shoe_size: Attribute does not exist in the schema.\n")

	// AdminResetUserPassword: sign-in then asks for a reset, and the mailed
	// code sets a new password.
	if _, err := s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: id, Username: "bo", Password: "Corr3ct-Horse!", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	_, err = s.AdminResetUserPassword(ctx, &AdminResetUserPasswordInput{UserPoolId: id, Username: "bo"})
	wantCode(t, err, awserr.InvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
	if _, err := s.AdminUpdateUserAttributes(ctx, &AdminUpdateUserAttributesInput{UserPoolId: id, Username: "bo",
		UserAttributes: []AttributeType{{Name: "email_verified", Value: "true"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdminResetUserPassword(ctx, &AdminResetUserPasswordInput{UserPoolId: id, Username: "bo"}); err != nil {
		t.Fatal(err)
	}
	after, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: id, Username: "bo"})
	if err != nil || after.UserStatus != "RESET_REQUIRED" {
		t.Fatalf("after AdminResetUserPassword: %+v %v", after, err)
	}
}
