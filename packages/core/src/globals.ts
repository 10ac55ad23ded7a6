// The global interfaces a Clerk app augments in its globals.d.ts to type claims and metadata (the same names and shapes as Clerk's).

declare global {
  /** Redeclare to type the custom claims of `sessionClaims` (from the session-claims template). */
  interface CustomJwtSessionClaims {
    [k: string]: unknown;
  }
  /** Redeclare to type `user.publicMetadata` everywhere. */
  interface UserPublicMetadata {
    [k: string]: unknown;
  }
  /** Redeclare to type the backend's `user.privateMetadata`. */
  interface UserPrivateMetadata {
    [k: string]: unknown;
  }
  /** Redeclare to type `user.unsafeMetadata`. */
  interface UserUnsafeMetadata {
    [k: string]: unknown;
  }
  /** Redeclare to type `organization.publicMetadata`. */
  interface OrganizationPublicMetadata {
    [k: string]: unknown;
  }
  /** Redeclare to type the backend's `organization.privateMetadata`. */
  interface OrganizationPrivateMetadata {
    [k: string]: unknown;
  }
  /** Redeclare to type `membership.publicMetadata`. */
  interface OrganizationMembershipPublicMetadata {
    [k: string]: unknown;
  }
  /** Redeclare to type the sign-up's `unsafeMetadata`. */
  interface SignUpUnsafeMetadata {
    [k: string]: unknown;
  }
}

/** The app's custom session claims as augmented (exported so every program that reads core's types sees the globals). */
export type CustomSessionClaims = CustomJwtSessionClaims;
