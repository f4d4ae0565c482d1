"""WebSocket group names: one per brand, so that a push reaches only agents who work for that brand."""


def brand_group(brand_id: int) -> str:
    return f"brand.{brand_id}"
