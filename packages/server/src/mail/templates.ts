// The mails Gatehouse sends, each as plain text and HTML: email verification, password reset, invitation, and "someone tried to sign up with your address".

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export type MailTemplate =
  | { kind: 'verification_code'; appName: string; code: string; link: string | null; minutes: number }
  | { kind: 'reset_password_code'; appName: string; code: string; minutes: number }
  | { kind: 'sign_up_attempted'; appName: string; signInUrl: string; resetUrl: string }
  | { kind: 'invitation'; appName: string; organization: string; role: string; url: string; expiresAt: number };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A minimal, inline-styled HTML body (mail clients ignore style sheets): paragraphs, an optional code and an optional button. */
function html(
  title: string,
  parts: { paragraphs: string[]; code?: string; button?: { href: string; label: string }; footer: string },
): string {
  const p = (text: string) => `<p style="margin:0 0 16px;font:16px/1.5 system-ui,sans-serif;color:#1f2328">${escapeHtml(text)}</p>`;
  const code = parts.code
    ? `<p style="margin:0 0 16px;font:600 32px/1.2 ui-monospace,monospace;letter-spacing:6px;color:#1f2328">${escapeHtml(parts.code)}</p>`
    : '';
  const button = parts.button
    ? `<p style="margin:0 0 16px"><a href="${escapeHtml(parts.button.href)}" style="display:inline-block;padding:10px 18px;background:#1f6feb;color:#ffffff;border-radius:6px;text-decoration:none;font:600 16px system-ui,sans-serif">${escapeHtml(parts.button.label)}</a></p>`
    : '';
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f6f8fa">',
    '<div style="max-width:520px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px">',
    ...parts.paragraphs.slice(0, 1).map(p),
    code,
    ...parts.paragraphs.slice(1).map(p),
    button,
    `<p style="margin:24px 0 0;font:13px/1.5 system-ui,sans-serif;color:#59636e">${escapeHtml(parts.footer)}</p>`,
    '</div></body></html>',
  ].join('');
}

/** Subject, text and HTML of one mail. Values are escaped in the HTML; codes and links appear only in the body, never in the subject. */
export function renderMail(template: MailTemplate): RenderedMail {
  switch (template.kind) {
    case 'verification_code': {
      const subject = `Your ${template.appName} verification code`;
      const intro = `Enter this code to verify your email address for ${template.appName}:`;
      const expiry = `The code works once and expires in ${template.minutes} minutes.`;
      const footer = 'If you did not ask for this, ignore this mail: nothing happens without the code.';
      const linkLine = template.link ? `Or open this link to verify: ${template.link}` : null;
      return {
        subject,
        text: [intro, '', template.code, '', expiry, ...(linkLine ? ['', linkLine] : []), '', footer, ''].join('\n'),
        html: html(subject, {
          paragraphs: [intro, expiry],
          code: template.code,
          ...(template.link ? { button: { href: template.link, label: 'Verify email address' } } : {}),
          footer,
        }),
      };
    }
    case 'reset_password_code': {
      const subject = `Reset your ${template.appName} password`;
      const intro = `Enter this code to choose a new password for ${template.appName}:`;
      const expiry = `The code works once and expires in ${template.minutes} minutes.`;
      const footer = 'If you did not ask to reset your password, ignore this mail: your password stays as it is.';
      return {
        subject,
        text: [intro, '', template.code, '', expiry, '', footer, ''].join('\n'),
        html: html(subject, { paragraphs: [intro, expiry], code: template.code, footer }),
      };
    }
    case 'sign_up_attempted': {
      const subject = `Someone tried to sign up to ${template.appName} with your address`;
      const intro = `Someone (maybe you) tried to create a ${template.appName} account with this email address, which already has one.`;
      const hint = `To use your account, sign in: ${template.signInUrl}`;
      const reset = `Forgot your password? Reset it from the sign-in page: ${template.resetUrl}`;
      const footer = 'If it was not you, you can ignore this mail: no account was created and yours is unchanged.';
      return {
        subject,
        text: [intro, '', hint, '', reset, '', footer, ''].join('\n'),
        html: html(subject, {
          paragraphs: [intro, 'Forgot your password? Use "Forgot password?" on the sign-in page.'],
          button: { href: template.signInUrl, label: 'Sign in' },
          footer,
        }),
      };
    }
    case 'invitation': {
      const subject = `You are invited to join ${template.organization}`;
      const intro = `You have been invited to join ${template.organization} as ${template.role}.`;
      const expiry = `The link works once and expires on ${new Date(template.expiresAt).toUTCString()}.`;
      return {
        subject,
        text: [intro, '', `Accept the invitation: ${template.url}`, '', expiry].join('\n'),
        html: html(subject, {
          paragraphs: [intro, expiry],
          button: { href: template.url, label: 'Accept the invitation' },
          footer: `Sent by ${template.appName}. If you did not expect this invitation, ignore this mail.`,
        }),
      };
    }
  }
}
