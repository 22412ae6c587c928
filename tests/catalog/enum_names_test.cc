// The node's short enum names (catalog/enum_names.h), read from the tables
// it shares with the CLI (proto/enum_names.h): the same short names, worded
// the node's way for the UNSPECIFIED value and unknown numbers.
#include "catalog/enum_names.h"

#include "bibia/v1/identity.pb.h"
#include "gtest/gtest.h"
#include "proto/enum_names.h"

namespace bibia::catalog {
namespace {

TEST(EnumNamesTest, ShortNamesOfTheSharedTable) {
  EXPECT_EQ(ShortName(v1::DOMAIN_WATER), "water");
  EXPECT_EQ(ShortName(v1::DOMAIN_CITIZEN_PARTICIPATION), "citizen_participation");
  EXPECT_EQ(ShortName(v1::STATUS_PRODUCTION), "production");
  EXPECT_EQ(ShortName(v1::DOMAIN_WATER), enums::ShortName(enums::DomainTable(), v1::DOMAIN_WATER).value());
}

TEST(EnumNamesTest, UnspecifiedIsEmptyAndUnknownIsNamedSo) {
  EXPECT_EQ(ShortName(v1::DOMAIN_UNSPECIFIED), "");
  EXPECT_EQ(ShortName(v1::STATUS_UNSPECIFIED), "");
  EXPECT_EQ(ShortName(static_cast<v1::Domain>(99)), "unknown");
  EXPECT_EQ(ShortName(static_cast<v1::Status>(99)), "unknown");
}

TEST(SharedEnumTableTest, ParsesShortOrFullNamesButNotUnspecified) {
  EXPECT_EQ(enums::ParseName(enums::DomainTable(), "urban-planning"), v1::DOMAIN_URBAN_PLANNING);
  EXPECT_EQ(enums::ParseName(enums::TierTable(), "TIER_EXPERT"), v1::TIER_EXPERT);
  EXPECT_EQ(enums::ParseName(enums::RoleTable(), "Admin"), v1::ROLE_ADMIN);
  EXPECT_FALSE(enums::ParseName(enums::DomainTable(), "unspecified").has_value());
  EXPECT_FALSE(enums::ParseName(enums::DomainTable(), "").has_value());
  EXPECT_EQ(enums::FindFullName(enums::StatusTable(), "STATUS_PILOT"), v1::STATUS_PILOT);
  EXPECT_FALSE(enums::FindFullName(enums::StatusTable(), "pilot").has_value());
  EXPECT_EQ(enums::ValidNames(enums::TierTable()), "public, restricted, expert");
  EXPECT_FALSE(enums::ShortName(enums::TierTable(), 99).has_value());
}

}  // namespace
}  // namespace bibia::catalog
