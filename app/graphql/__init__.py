"""The GraphQL layer. The domain's enums are registered first, so every type sees them."""

from app.graphql import enums as enums
