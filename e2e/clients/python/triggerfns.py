"""What the trigger scripts share: boto3 clients for a running moat, and
trigger functions created through its Lambda API."""

import boto3
from botocore.config import Config
from wirecheck import env


def admin_clients(*services):
    """boto3 clients for services at MOAT_IDENTITY_URL, signed with the
    admin credentials, one attempt each, patient enough for a trigger that
    times out three times."""
    kwargs = dict(endpoint_url=env("MOAT_IDENTITY_URL"), region_name="us-east-1",
                  aws_access_key_id=env("MOAT_ADMIN_ACCESS_KEY_ID"),
                  aws_secret_access_key=env("MOAT_ADMIN_SECRET_ACCESS_KEY"),
                  config=Config(retries={"max_attempts": 1}, read_timeout=60))
    return [boto3.client(service, **kwargs) for service in services]


def create_trigger_function(client, name, runtime, handler, zip_path, timeout, variables):
    """Create a function from a zip, runnable as MOAT_ROLE_ARN, that Cognito
    may invoke (AddPermission for cognito-idp.amazonaws.com); returns its ARN."""
    with open(zip_path, "rb") as f:
        code = f.read()
    arn = client.create_function(FunctionName=name, Runtime=runtime, Role=env("MOAT_ROLE_ARN"), Handler=handler,
                                 Code={"ZipFile": code}, Timeout=timeout,
                                 Environment={"Variables": variables})["FunctionArn"]
    client.add_permission(FunctionName=name, StatementId="cognito", Action="lambda:InvokeFunction",
                          Principal="cognito-idp.amazonaws.com")
    return arn
