export default function Home() {
  return <h1>Public home</h1>;
}
