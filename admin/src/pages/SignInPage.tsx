import { Alert, Button, Container, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useT } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';

export function SignInPage() {
  const t = useT();
  const { signedIn, signIn, endMessage } = useSession();
  const [params] = useSearchParams();
  const [fetching, setFetching] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const next = params.get('next');
  if (signedIn) return <Navigate to={next?.startsWith('/') ? next : '/profiles'} replace />;

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    setFailure(null);
    setFetching(true);
    // The server sets the session cookie (and this browser's device cookie): no token reaches this page.
    const refusal = await signIn(email, password);
    setFetching(false);
    if (refusal) setFailure(refusal.message);
  }

  return (
    <Container size={420} py={64} component="main">
      <Title order={1} ta="center" mb="lg">
        {t('signIn.title')}
      </Title>
      <Paper withBorder shadow="sm" p="lg" radius="md">
        <form onSubmit={onSubmit} aria-label={t('signIn.form')}>
          <Stack>
            {endMessage && !failure && (
              <Alert color="yellow" variant="light" role="status">
                {endMessage}
              </Alert>
            )}
            {failure && (
              <Alert color="red" variant="light" role="alert">
                {failure}
              </Alert>
            )}
            <TextInput
              label={t('signIn.email')}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label={t('signIn.password')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={fetching} fullWidth>
              {t('signIn.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
