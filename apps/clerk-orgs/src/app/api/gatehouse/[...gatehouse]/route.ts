// Mounts the Gatehouse auth HTTP API (sign-up, sign-in, refresh, sign-out, sessions, organizations, JWKS).
export { GET, POST, HEAD, PUT, PATCH, DELETE } from '@gatehouse/nextjs/handler';
