// Which facets of a project a write may change. The store knows nothing of
// callers: access/ decides which facets a caller writes (policy.h) and hands
// the store this mask; a put leaves the facets outside it as they are stored.
#ifndef BIBIA_CATALOG_FACET_MASK_H_
#define BIBIA_CATALOG_FACET_MASK_H_

#include <cstdint>

#include "bibia/v1/project.pb.h"

namespace bibia::catalog {

using FacetMask = uint8_t;
inline constexpr FacetMask kPublicFacet = 1 << 0;
inline constexpr FacetMask kRestrictedFacet = 1 << 1;
inline constexpr FacetMask kExpertFacet = 1 << 2;
inline constexpr FacetMask kAllFacets = kPublicFacet | kRestrictedFacet | kExpertFacet;

// The facet of `tier`; none (0) for TIER_UNSPECIFIED.
constexpr FacetMask FacetOfTier(v1::Tier tier) {
  switch (tier) {
    case v1::TIER_PUBLIC: return kPublicFacet;
    case v1::TIER_RESTRICTED: return kRestrictedFacet;
    case v1::TIER_EXPERT: return kExpertFacet;
    default: return 0;
  }
}

// The facets of `tier` and of the tiers below it (tiers nest).
constexpr FacetMask FacetsUpTo(v1::Tier tier) {
  FacetMask mask = 0;
  for (v1::Tier t : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    if (t <= tier) mask |= FacetOfTier(t);
  }
  return mask;
}

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_FACET_MASK_H_
