// Mounts the Gatehouse auth HTTP API (sign-up, sign-in, refresh, sign-out, session, JWKS).
export { GET, POST, HEAD } from '@gatehouse/nextjs/handler';
