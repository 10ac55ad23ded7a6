export const CARDS = [
  {
    title: "Customizable Components",
    description:
      "Prebuilt components to handle essential functionality like user sign-in, sign-up, and account management.",
    href: "https://clerk.com/docs/components/overview?utm_source=vercel-template&utm_medium=partner&utm_term=component_reference",
    linkText: "Component Reference",
  },
  {
    title: "React Hooks",
    description: `Build custom functionality by accessing auth state, user and session data, and more with Clerk's React Hooks.`,
    href: "https://clerk.com/docs/references/react/use-user?utm_source=vercel-template&utm_medium=partner&utm_term=react_hooks",
    linkText: "React Hooks",
  },
  {
    title: "Organizations",
    description:
      "Built for B2B SaaS: create and switch between orgs, manage and invite members, and assign custom roles.",
    href: "https://clerk.com/docs/organizations/overview?utm_source=vercel-template&utm_medium=partner&utm_term=organizations",
    linkText: "Organizations",
  },
  {
    title: "Billing",
    description:
      "Subscription billing without the headache: add subscription billing to your application with a few clicks and start collecting money.",
    href: "https://clerk.com/docs/billing/overview?utm_source=vercel-template&utm_medium=partner&utm_term=billing",
    linkText: "Billing",
  },
];

export const DASHBOARD_CARDS = [
  {
    title: "Authenticate requests with JWT's",
    description:
      "Clerk empowers you to authenticate same and cross origin requests using a Clerk generated JWT",
    href: "https://clerk.com/docs/backend-requests/overview?utm_source=vercel-template&utm_medium=partner&utm_term=JWT",
    linkText: "Request authentication",
  },
  {
    title: "Build an onboarding flow",
    description: `Leverage customizable session tokens, public metadata, and Middleware to create a custom onboarding experience.`,
    href: "https://clerk.com/docs/guides/add-onboarding-flow?utm_source=vercel-template&utm_medium=partner&utm_term=onboarding",
    linkText: "Onboarding flow",
  },
  {
    title: "Customize components",
    description:
      "Customize the look and feel of your application with Clerk's prebuilt components.",
    href: "https://clerk.com/docs/customization/overview?utm_source=vercel-template&utm_medium=partner&utm_term=customization",
    linkText: "Customization",
  },
  {
    title: "Support subscriptions",
    description:
      "Subscription billing without the headache: add subscription billing to your application with a few clicks and start collecting money.",
    href: "https://clerk.com/docs/billing/overview?utm_source=vercel-template&utm_medium=partner&utm_term=billing",
    linkText: "Billing",
  },
  {
    title: "Explore the B2B suite",
    description:
      "Built for B2B SaaS: create and switch between orgs, manage and invite members, and assign custom roles.",
    href: "https://clerk.com/docs/organizations/overview?utm_source=vercel-template&utm_medium=partner&utm_term=organizations",
    linkText: "Organizations",
  },
  {
    title: "Deploy to Production",
    description:
      "Production instances are meant to support high volumes of traffic and by default, have a more strict security posture.",
    href: "https://clerk.com/docs/deployments/overview?utm_source=vercel-template&utm_medium=partner&utm_term=deploy-to-prod",
    linkText: "Production",
  },
];
