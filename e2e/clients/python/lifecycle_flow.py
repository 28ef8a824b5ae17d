"""Walk a user's whole self-service life against moat with boto3.

Codes are read from a real SMTP sink that the Go test runs, through its
mailbox endpoint (MOAT_MAILBOX_URL/code?to=<address> waits for the next mail
to that address and answers with its code), as a person would read their inbox.

Environment: MOAT_IDENTITY_URL, MOAT_REGION, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY, MOAT_MAILBOX_URL. Exits 1 naming the first mismatch.
"""

import secrets

from wirecheck import check, code_for, cognito_clients, expect_error, run_checks

PASSWORD_1, PASSWORD_2, PASSWORD_3 = "First-Pass-1", "Second-Pass-2", "Third-Pass-3"






def main():
    # The public client signs nothing, as an app in the field would not.
    admin, public = cognito_clients()

    pool_id = admin.create_user_pool(PoolName="lifecycle-boto3", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    user = "py-" + secrets.token_hex(4)
    email = user + "@example.com"

    out = public.sign_up(ClientId=client_id, Username=user, Password=PASSWORD_1,
                         UserAttributes=[{"Name": "email", "Value": email}])
    check(out["UserConfirmed"] is False, f"sign_up: UserConfirmed {out['UserConfirmed']}")
    details = out["CodeDeliveryDetails"]
    check(details["DeliveryMedium"] == "EMAIL" and details["Destination"] == user[0] + "***@e***",
          f"sign_up: CodeDeliveryDetails {details}")
    expect_error("UsernameExistsException", public.sign_up, message="User already exists", ClientId=client_id, Username=user, Password=PASSWORD_1)
    sign_up_code = code_for(email)
    wrong = "000000" if sign_up_code != "000000" else "000001"
    expect_error("CodeMismatchException", public.confirm_sign_up, message="Invalid verification code provided, please try again.", ClientId=client_id, Username=user, ConfirmationCode=wrong)
    public.confirm_sign_up(ClientId=client_id, Username=user, ConfirmationCode=sign_up_code)

    def sign_in(password):
        return public.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                    AuthParameters={"USERNAME": user, "PASSWORD": password})["AuthenticationResult"]

    tokens = sign_in(PASSWORD_1)
    public.change_password(AccessToken=tokens["AccessToken"], PreviousPassword=PASSWORD_1, ProposedPassword=PASSWORD_2)
    expect_error("NotAuthorizedException", sign_in, message="Incorrect username or password.", password=PASSWORD_1)

    fp = public.forgot_password(ClientId=client_id, Username=user)["CodeDeliveryDetails"]
    check(fp["Destination"] == user[0] + "***@e***", f"forgot_password: {fp}")
    reset_code = code_for(email)
    public.confirm_forgot_password(ClientId=client_id, Username=user, ConfirmationCode=reset_code, Password=PASSWORD_3)
    expect_error("ExpiredCodeException", public.confirm_forgot_password, ClientId=client_id, Username=user, ConfirmationCode=reset_code, Password=PASSWORD_1)
    tokens = sign_in(PASSWORD_3)

    new_email = user + "@new.example"
    upd = public.update_user_attributes(AccessToken=tokens["AccessToken"],
                                        UserAttributes=[{"Name": "email", "Value": new_email}])
    check(len(upd.get("CodeDeliveryDetailsList", [])) == 1, f"update_user_attributes: {upd}")
    attrs = {a["Name"]: a["Value"] for a in public.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
    check(attrs.get("email") == new_email and attrs.get("email_verified") == "false", f"after email change: {attrs}")
    public.verify_user_attribute(AccessToken=tokens["AccessToken"], AttributeName="email", Code=code_for(new_email))
    attrs = {a["Name"]: a["Value"] for a in public.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
    check(attrs.get("email_verified") == "true", f"after verify: {attrs}")

    public.global_sign_out(AccessToken=tokens["AccessToken"])
    expect_error("NotAuthorizedException", public.get_user, message="Access Token has been revoked", AccessToken=tokens["AccessToken"])
    expect_error("NotAuthorizedException", public.initiate_auth, message="Refresh Token has been revoked", ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})

    tokens = sign_in(PASSWORD_3)
    public.delete_user(AccessToken=tokens["AccessToken"])
    expect_error("UserNotFoundException", admin.admin_get_user, UserPoolId=pool_id, Username=user)
    print("boto3 lifecycle: sign-up, confirm, change, forgot/confirm, update+verify email, global sign-out, delete: OK")


if __name__ == "__main__":
    run_checks(main)
