export default function AboutPage() {
  return (
    <>
      <h1 className="text-3xl font-bold">About us</h1>
      <p className="font-xs font-mono">
        This is a regular static page of your marketing site
      </p>
      <p className="font-xs font-mono">
        This page is visible even when you&apos;re signed out
      </p>

      <p>
        Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed euismod,
        nisl eget ultricies tincidunt, nisl nisl aliquam nisl, eget aliquam nisl
        nisl eget nisl. Sed euismod, nisl eget ultricies tincidunt, nisl nisl
        aliquam nisl, eget aliquam nisl nisl eget nisl.
      </p>
      <p>
        Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed euismod,
        nisl eget ultricies tincidunt, nisl nisl aliquam nisl, eget aliquam nisl
        nisl eget nisl. Sed euismod, nisl eget ultricies tincidunt, nisl nisl
        aliquam nisl, eget aliquam nisl nisl eget nisl.
      </p>
    </>
  );
}
