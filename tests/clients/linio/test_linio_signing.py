"""The spec's worked signature examples (cross-checked with openssl) and User-Agent vectors."""

import pytest

from clients.linio import signature, string_to_sign, user_agent
from clients.linio.signing import verify

BASE = {"Format": "XML", "Version": "1.0"}


@pytest.mark.parametrize(
    ("key", "params", "expected_string", "expected"),
    [
        (
            "b1bdb357ced10fe4e9a69840cdd4f0e9c03d77fe",
            {
                **BASE,
                "Action": "GetOrders",
                "Timestamp": "2015-07-01T11:11:11+00:00",
                "UserID": "look@me.com",
                "CreatedAfter": "2015-06-01T00:00:00",
                "Limit": "100",
                "Offset": "0",
                "SortBy": "created_at",
                "SortDirection": "DESC",
                "Status": "pending",
            },
            "Action=GetOrders&CreatedAfter=2015-06-01T00%3A00%3A00&Format=XML&Limit=100&Offset=0"
            "&SortBy=created_at&SortDirection=DESC&Status=pending&Timestamp=2015-07-01T11%3A11%3A11"
            "%2B00%3A00&UserID=look%40me.com&Version=1.0",
            "da8e732ad5ea9f87463f5dc0715bc1d403a934f78005afa7ffa992a304376dec",
        ),
        (
            "API-KEY",
            {
                **BASE,
                "Action": "GetBrands",
                "Timestamp": "2020-12-04T10:00:00-03:00",
                "UserID": "API-USERNAME",
            },
            "Action=GetBrands&Format=XML&Timestamp=2020-12-04T10%3A00%3A00-03%3A00"
            "&UserID=API-USERNAME&Version=1.0",
            "89a09f527436432e0aa96e06a1228665ba5df5c24bf231b056b94636c4012dcb",
        ),
        (
            "secret-key-123",
            {
                **BASE,
                "Action": "SetStatusToReadyToShip",
                "Timestamp": "2024-01-15T09:30:00-05:00",
                "UserID": "vendedor+mx@example.com",
                "OrderItemIds": "[6750999,6750998]",
                "DeliveryType": "dropship",
                "ShippingProvider": "Estafeta Express",
                "TrackingNumber": "ABC 123/ñ",
            },
            "Action=SetStatusToReadyToShip&DeliveryType=dropship&Format=XML&OrderItemIds=%5B6750999"
            "%2C6750998%5D&ShippingProvider=Estafeta%20Express&Timestamp=2024-01-15T09%3A30%3A00-05"
            "%3A00&TrackingNumber=ABC%20123%2F%C3%B1&UserID=vendedor%2Bmx%40example.com"
            "&Version=1.0",
            "99d56c338e4adf1796bbd282cb727620cbe32ca24a5356a2a735a21edb7792be",
        ),
        (
            "secret-key-123",
            {
                **BASE,
                "Action": "GetTrackingCode",
                "Timestamp": "2022-02-09T09:46:09-03:00",
                "UserID": "seller@example.com",
                "packageId": "10f9780b-380c-4625-8024-b166ece74453",
                "shipping_provider_name": "chilexpress",
            },
            "Action=GetTrackingCode&Format=XML&Timestamp=2022-02-09T09%3A46%3A09-03%3A00"
            "&UserID=seller%40example.com&Version=1.0&packageId=10f9780b-380c-4625-8024-"
            "b166ece74453&shipping_provider_name=chilexpress",
            "427336b92e35a7bded88d175972c8e36c5a865a1f4d1a1be5a72b66324aa0968",
        ),
    ],
)
def test_worked_examples(key: str, params: dict, expected_string: str, expected: str) -> None:
    assert string_to_sign(params) == expected_string
    assert signature(params, key) == expected
    assert verify({**params, "Signature": expected}, key)
    assert not verify({**params, "Signature": expected}, key + "x")


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be empty"):
        signature({"Action": "GetBrands"}, "")


def test_user_agent_vectors() -> None:
    assert (
        user_agent(
            "SELLER_ID",
            language="NOT_PHP",
            language_version="5.5",
            integrator="INTEGRATOR",
            country="CL",
        )
        == "SELLER_ID/NOT_PHP/5.5/INTEGRATOR/CL"
    )
    assert (
        user_agent("SELLER_ID", language="NOT_PHP", language_version="5.5", integrator="INTEGRATOR")
        == "SELLER_ID/NOT_PHP/5.5/INTEGRATOR"
    )
    assert (
        user_agent("SELLER_ID", language="NOT_PHP", language_version="5.5", country="CL")
        == "SELLER_ID/NOT_PHP/5.5/CL"
    )
    assert user_agent("ABC123", language_version="3.11.7") == "ABC123/Python/3.11.7"
    with pytest.raises(ValueError):
        user_agent("")


def test_third_party_vector_from_gfg_java_sdk() -> None:
    """GFG/seller-center-sdk-java HashHmacSignatureProviderTest: the only signature vector
    not computed by us (lower-case `version`, as that SDK sends it)."""
    params = {
        "Action": "FeedList",
        "Format": "XML",
        "Timestamp": "2015-07-01T11:11:11+00:00",
        "UserID": "look@me.com",
        "version": "1.0",
    }
    assert (
        signature(params, "b1bdb357ced10fe4e9a69840cdd4f0e9c03d77fe")
        == "9cbcdf6a7d8f8229ec01f67268a1ed82b47f8f931a2990316fe83835441ebff3"
    )
