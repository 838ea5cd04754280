import { Route, Switch } from 'wouter';
import { MessagesPage } from './MessagesPage';
import { NewTemplatePage } from './NewTemplatePage';
import { TemplateEditorPage } from './TemplateEditorPage';
import { TemplateList } from './TemplateList';

/** Templates (/templates, /templates/new, /templates/:id) and the outbox (/messages[/:id]). */
export default function MessagesArea() {
  return (
    <Switch>
      <Route path="/templates/new" component={NewTemplatePage} />
      <Route path="/templates/:id" component={TemplateEditorPage} />
      <Route path="/templates" component={TemplateList} />
      <Route path="/messages/:id" component={MessagesPage} />
      <Route path="/messages" component={MessagesPage} />
    </Switch>
  );
}
