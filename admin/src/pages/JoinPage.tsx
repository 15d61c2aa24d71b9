import { Alert, Anchor, Button, Container, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Loading } from '../components/states.tsx';
import { mutationOutcome } from '../components/mutation-result.ts';
import { AdminJoinDocument, AdminJoinInvitationDocument } from '../generated/graphql.ts';
import { useT } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';

/** The token of the link: in the fragment (#token=…), which the browser never sends to a server. */
function tokenOfLink(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

/** The page of an admin invitation's link: the person chooses their password, joins the team and is signed in. */
export function JoinPage() {
  const t = useT();
  const navigate = useNavigate();
  const { signIn } = useSession();
  const [token] = useState(tokenOfLink);
  const [{ data, fetching: reading }] = useQuery({ query: AdminJoinInvitationDocument, variables: { token }, pause: !token });
  const [{ fetching: joining }, join] = useMutation(AdminJoinDocument);
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const invitation = data?.adminInvitationByToken;

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    setFailure(null);
    const result = await join({ input: { token, password } });
    const outcome = mutationOutcome(result.data?.adminInvitationAccept, result.error, 'AdminInvitationAcceptPayload', t);
    if (!outcome.ok) return setFailure(outcome.message);
    // Signs in through the session cookie, with the password just chosen.
    const refused = await signIn(outcome.ok.email, password);
    navigate(refused ? '/sign-in' : '/profiles', { replace: true });
  }

  let body: React.ReactNode;
  if (token && reading && !data) body = <Loading />;
  else if (!invitation)
    body = (
      <Alert color="red" role="alert">
        {t('join.invalid')}
      </Alert>
    );
  else if (invitation.state !== 'OPEN')
    body = (
      <Stack>
        <Alert color="yellow" role="alert">
          {t(`join.closed.${invitation.state}`)}
        </Alert>
        <Anchor component={Link} to="/sign-in">
          {t('join.signIn')}
        </Anchor>
      </Stack>
    );
  else
    body = (
      <form onSubmit={onSubmit} aria-label={t('join.form')}>
        <Stack>
          <Text size="sm">
            {t('join.intro', { name: invitation.name, organization: invitation.organizationName, role: t(`role.${invitation.role}`), email: invitation.email })}
          </Text>
          {failure && (
            <Alert color="red" variant="light" role="alert">
              {failure}
            </Alert>
          )}
          {/* The address, for password managers to save the new password under. */}
          <input type="email" name="email" autoComplete="username" value={invitation.email} readOnly hidden />
          <PasswordInput
            label={t('join.password')}
            description={invitation.passwordPolicy}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button type="submit" loading={joining} fullWidth>
            {t('join.submit')}
          </Button>
        </Stack>
      </form>
    );

  return (
    <Container size={460} py={64} component="main">
      <Title order={1} ta="center" mb="lg">
        {t('join.title')}
      </Title>
      <Paper withBorder shadow="sm" p="lg" radius="md">
        {body}
      </Paper>
    </Container>
  );
}
